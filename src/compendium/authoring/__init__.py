"""What contributors run to write a compendium rather than build one: `compendium init` (new_compendium),
`compendium new claim|evidence|...` (scaffold) and `compendium synth`, a synthetic compendium of any size
for the benchmark and the tests (synth)."""
