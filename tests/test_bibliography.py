"""references.bib: failed blocks reported with line and reason; CSL-JSON keeps url and urldate."""

from __future__ import annotations

from pathlib import Path

from compendium.bibliography import CACHE, format_references, load_references, mirror_host, short_citation

from conftest import REPO


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "references.bib"
    path.write_text(text)
    loaded = load_references(path, "references.bib")
    return loaded.references, loaded.unreadable, loaded.problems


def test_failed_block_names_line_and_reason(tmp_path: Path) -> None:
    text = ("@article{ok, title = {Fine}, year = {2020}, url = {https://a.org}}\n\n"
            "@article{broken,\n  title = {No closing,\n}\n\n@misc{next, title={x}}\n")
    refs, unreadable, problems = _load(tmp_path, text)
    assert "ok" in refs and "broken" in unreadable
    assert len(problems) == 1
    assert problems[0].path == "references.bib" and problems[0].line == 3
    assert problems[0].message.startswith("this entry could not be read: ") and len(problems[0].message) > 31


def test_csl_json_keeps_url_urldate_doi_and_corporate_author(tmp_path: Path) -> None:
    refs, _, problems = _load(tmp_path, "@online{nhs, author = {{NHS Digital}}, title = {Psychological Therapies "
                                        "\\& {IAPT}}, year = {2019}, month = {nov}, url = {https://digital.nhs.uk/x}, "
                                        "urldate = {2026-11-01}, doi = {https://doi.org/10.1234/ABC}}\n")
    assert problems == []
    csl = refs["nhs"].csl
    assert csl["author"] == [{"literal": "NHS Digital"}]
    assert csl["title"] == "Psychological Therapies & IAPT"
    assert csl["URL"] == "https://digital.nhs.uk/x"
    assert csl["accessed"] == {"date-parts": [[2026, 11, 1]]}
    assert csl["issued"] == {"date-parts": [[2019, 11]]}
    assert csl["DOI"] == "10.1234/ABC" and refs["nhs"].link == "https://doi.org/10.1234/ABC"


def test_bad_url_and_dates_reported(tmp_path: Path) -> None:
    text = "@misc{a, title={t}, year={20x0}, url={javascript:alert(1)}, urldate={yesterday}}\n"
    _, _, problems = _load(tmp_path, text)
    messages = sorted(p.message for p in problems)
    assert messages == ["the url of 'a' is not a web address",
                        "the urldate of 'a' 'yesterday' is not written YYYY-MM-DD, YYYY-MM or YYYY",
                        "the year of 'a' '20x0' is not a year"]


def test_formatting_escapes_html_in_fields(tmp_path: Path) -> None:
    refs, _, _ = _load(tmp_path, "@misc{a, author={Doe, J}, title={<script>alert(1)</script>}, year={2020}}\n")
    html = format_references(refs)["a"]
    assert "<script>" not in html and "<i>&#60;script&#62;alert(1)&#60;/script&#62;</i>" in html


def test_formatting_cache_is_used_only_while_the_entries_are_unchanged(tmp_path: Path) -> None:
    refs, _, _ = _load(tmp_path, "@misc{a, author={Doe, J}, title={First}, year={2020}}\n")
    cache = tmp_path / CACHE
    first = format_references(refs, cache)
    assert "First" in first["a"] and cache.is_file()
    cache.write_text(cache.read_text().replace("First", "From the cache"))
    assert "From the cache" in format_references(refs, cache)["a"]
    changed, _, _ = _load(tmp_path, "@misc{a, author={Doe, J}, title={Second}, year={2020}}\n")
    assert "Second" in format_references(changed, cache)["a"]


def test_short_citations_are_never_ambiguous(tmp_path: Path) -> None:
    refs, _, problems = _load(tmp_path, "@misc{b, author={Scott, M}, title={Beta}, year={2019}, url={https://a.org/b}}\n"
                                        "@misc{a, author={Scott, M}, title={Alpha}, year={2019}, url={https://a.org/a}}\n"
                                        "@misc{c, author={Scott, M}, title={Gamma}, url={https://a.org/c}}\n"
                                        "@misc{d, author={Scott, M}, title={Delta}, url={https://a.org/d}}\n"
                                        "@misc{e, author={Scott, M}, title={Epsilon}, year={2020}, url={https://a.org/e}}\n")
    assert problems == []
    labels = {key: short_citation(ref) for key, ref in refs.items()}
    assert labels == {"a": "Scott (2019a)", "b": "Scott (2019b)", "c": "Scott (n.d.b)", "d": "Scott (n.d.a)",
                      "e": "Scott (2020)"}


def test_simple_latex_is_read_as_the_latex_parser_reads_it() -> None:
    from bibtexparser.entrypoint import parse_string
    from pylatexenc.latex2text import LatexNodes2Text

    from compendium.bibliography import _latex

    from conftest import REPO

    parser = LatexNodes2Text()
    values = [" ".join(str(f.value).split()) for e in parse_string((REPO / "references.bib").read_text("utf-8")).entries
              for f in e.fields]
    values += ["{IAPT} -- the need", "a \\& b", "100\\%", "{{Deep}}", "x---y", "``quoted''", "\\'{e}t\\'{e}", "$x$",
               "50~\\%", "a\\_b", "caf\\'e"]
    for value in values:
        assert _latex(value) == parser.latex_to_text(value).strip(), value


def test_mirror_hosts_are_named_with_their_subdomains_and_nothing_else() -> None:
    assert mirror_host("https://www.readkong.com/page/the-iapt-manual-2151898") == "readkong.com"
    assert mirror_host("https://fr.SlideShare.net/x/deck") == "slideshare.net"
    assert mirror_host("https://www.wired-gov.net./wg/news.nsf/print/x") == "wired-gov.net"
    # A publisher's address, a look-alike host, and a mirror's name in the path or query are not mirrors.
    for url in ("https://digital.nhs.uk/x", "https://notscribd.com/doc", "https://scribd.com.example.org/x",
                "https://www.nice.org.uk/?from=studylib.net", "https://example.org/zbook.org", "http://[studylib.net"):
        assert mirror_host(url) == "", url


def test_the_record_cites_no_document_by_its_copy_on_a_mirror() -> None:
    loaded = load_references(REPO / "references.bib", "references.bib")
    assert loaded.read and loaded.references
    assert [p.message for p in loaded.problems if "a site that copies" in p.message] == []
    assert [ref.key for ref in loaded.references.values() if mirror_host(ref.url)] == []


def _formatted(tmp_path: Path, text: str) -> str:
    refs, _, problems = _load(tmp_path, text)
    assert problems == [], [p.format_text() for p in problems]
    return format_references(refs)[next(iter(refs))]


def test_a_newspaper_or_magazine_article_is_not_printed_as_a_preprint(tmp_path: Path) -> None:
    entry = ("@article{smith2019waits, author = {Smith, Jane}, title = {Therapy waits grow}, "
             "journaltitle = {The Daily Example}, date = {2019-05-03}, url = {https://example.org/a}{extra}}\n")
    # As a journal article (no volume, no pages) the style marks it a preprint: the reason for entrysubtype.
    assert "[Preprint]" in _formatted(tmp_path, entry.replace("{extra}", ""))
    for subtype in ("newspaper", "Magazine"):
        printed = _formatted(tmp_path, entry.replace("{extra}", f", entrysubtype = {{{subtype}}}"))
        assert printed == ("Smith, J. (2019) ‘Therapy waits grow’, <i>The Daily Example</i>, 3 May. "
                           "Available at: https://example.org/a."), subtype


def test_an_entrysubtype_that_says_nothing_is_an_error_at_its_entry(tmp_path: Path) -> None:
    _, _, problems = _load(tmp_path, "@misc{a, title = {t}, year = {2020}}\n\n"
                                     "@article{b, title = {t}, year = {2020}, entrysubtype = {<blog>}}\n"
                                     "@online{c, title = {t}, year = {2020}, entrysubtype = {newspaper}}\n")
    found = [(p.line, p.message) for p in problems]
    assert found == [(3, "the entrysubtype of 'b' is '<blog>', which says nothing to the bibliography of a @article"),
                     (4, "the entrysubtype of 'c' is 'newspaper', which says nothing to the bibliography of a "
                         "@online")], found
    assert "entrysubtype = {newspaper}" in problems[0].hint


def test_a_report_keeps_its_type_and_number(tmp_path: Path) -> None:
    for kind in ("techreport", "report"):
        printed = _formatted(tmp_path, f"@{kind}{{r, author = {{{{Example Institute}}}}, title = {{Waiting times}}, "
                                       "institution = {Example Institute}, type = {Research report}, "
                                       "number = {RR-12}, year = {2019}}\n")
        assert printed == ("Example Institute (2019) <i>Waiting times</i>. Research report RR-12. "
                           "Example Institute."), kind
    refs, _, _ = _load(tmp_path, "@article{j, title = {t}, journal = {J}, number = {3}, year = {2020}}\n")
    assert refs["j"].csl["issue"] == "3" and "number" not in refs["j"].csl  # a journal's number is its issue
