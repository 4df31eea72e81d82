"""Stages 1-3, the input: the compendium's files found and parsed (load, yamlfile), checked against the
schemas and the rules beyond them (validate), every id and reference key resolved into the model
(resolve); and what the generated pages are made from, hashed (inputs), so that a build with nothing
changed can skip them. Contributors' files are hostile until they pass here."""
