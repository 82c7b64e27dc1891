"""Issue #12, security and bad input: each reproducer of the attack report is a test here.

Profile selection by path, alias bombs, `-o` over links and devices, unbounded
`-j`, terminal injection through case text, personal data echoed in errors,
and the inputs that were accepted or crashed instead of being exit 2 with the
file and the place.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from weerbaar_rules.cli import main

from .conftest import CASES, PROFILES, RULES

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"
GOOD: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
SECRET = "Jan Jansen, Kerkstraat 12, BSN 123456782"
FORGED = ["\nAanbevolen:\n  * Sluiting (vals)", "\u2028fout: vals", "\u200bnul\ufeffbreed", "\x1b]0;titel\x07", "\x1b[2J"]


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(GOOD))
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def write(tmp_path: Path, name: str, content: str | dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def unsafe_characters(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


def assert_one_clean_line(message: str) -> None:
    assert message.endswith("\n") and message.count("\n") == 1, message
    assert not unsafe_characters(message), message


# -- profile selection -----------------------------------------------------------------------------


@pytest.fixture()
def evil_profile(tmp_path: Path) -> Path:
    """A copy of the national rules with a catalogue, and a hostile profile outside it that calls itself strengdam."""
    shutil.copytree(RULES, tmp_path / "r" / "nl")
    shutil.copytree(PROFILES, tmp_path / "r" / "gemeenten")
    evil = tmp_path / "evil.yaml"
    evil.write_text((PROFILES / "strengdam.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return evil


@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_case_gemeente_cannot_name_a_file(tmp_path: Path, evil_profile: Path, how: str) -> None:
    gemeente = str(evil_profile.with_suffix("")) if how == "absolute" else "../../evil"
    case = write(tmp_path, "zaak.json", changed(("gemeente",), gemeente))
    code, out, err = run("evaluate", str(case), "--regels", str(tmp_path / "r" / "nl"), "--format", "json")
    assert code == 2 and out == ""
    assert "gemeente is een naam uit de profielcatalogus, geen pad" in err and "zaak.json" in err
    assert_one_clean_line(err)


def test_gemeente_option_cannot_name_a_file(tmp_path: Path, evil_profile: Path) -> None:
    code, out, err = run("evaluate", str(EXAMPLE), "--regels", str(tmp_path / "r" / "nl"), "--gemeente", "../../evil")
    assert code == 2 and out == "" and "--gemeente" in err and "geen pad" in err


def test_a_path_is_accepted_through_profiel(tmp_path: Path, evil_profile: Path) -> None:
    code, out, _ = run("evaluate", str(EXAMPLE), "--profiel", str(evil_profile), "--format", "json")
    assert code == 0 and json.loads(out)["ontvangstbewijs"]["profiel"] == "strengdam"


def test_catalogue_names_as_people_write_them() -> None:
    for name in ("strengdam", "Strengdam", " STRENGDAM "):
        code, out, _ = run("evaluate", str(EXAMPLE), "--gemeente", name, "--format", "json")
        assert code == 0 and json.loads(out)["ontvangstbewijs"]["profiel"] == "strengdam"


# -- YAML aliases ------------------------------------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real console entry point; the timeout only keeps a regression from hanging the suite."""
    return subprocess.run([sys.executable, "-m", "weerbaar_rules.cli", *args], capture_output=True, text=True, timeout=timeout, check=False)


def test_case_file_refuses_anchors(tmp_path: Path) -> None:
    case = write(tmp_path, "bom.yaml", "zaak_id: x\nlocatie: {type: woning}\n" + alias_bomb())
    result = cli("evaluate", str(case))
    assert result.returncode == 2 and "bom.yaml:3:" in result.stderr and "ankers en aliassen" in result.stderr


def test_harmless_case_anchor_is_refused_too(tmp_path: Path) -> None:
    text = "zaak_id: x\nlocatie: &l {type: woning}\nopenbare_orde: {}\nx: *l\n"
    code, _, err = run("evaluate", str(write(tmp_path, "anker.yaml", text)))
    assert code == 2 and "anker.yaml:2:" in err and "niet toegestaan" in err


def test_ruleset_alias_bomb_is_capped(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "nl")
    (tmp_path / "nl" / "bom.yaml").write_text(alias_bomb(), encoding="utf-8")
    for command in (["evaluate", str(EXAMPLE), "--regels", str(tmp_path / "nl")], ["check", str(tmp_path / "nl")]):
        result = cli(*command)
        assert result.returncode != 0 and "aliassen breiden dit bestand uit" in result.stdout + result.stderr, command
    evaluate = cli("evaluate", str(EXAMPLE), "--regels", str(tmp_path / "nl"))
    assert evaluate.returncode == 2 and "bom.yaml:1:" in evaluate.stderr


def test_ruleset_may_share_a_small_anchor(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "nl")
    text = (tmp_path / "nl" / "huisverbod.yaml").read_text(encoding="utf-8")
    # the same source list twice through an anchor: a normal use that stays allowed
    assert "grondslag:" in text
    (tmp_path / "nl" / "extra.yaml").write_text(
        "parameters:\n  anker_test:\n    waarde: 1\n    omschrijving: &o een test\n  anker_test2:\n    waarde: 2\n    omschrijving: *o\n",
        encoding="utf-8",
    )
    code, _, err = run("evaluate", str(EXAMPLE), "--regels", str(tmp_path / "nl"))
    assert code == 0, err


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "nl")
    (tmp_path / "nl" / "kring.yaml").write_text("parameters: &p\n  p: *p\n", encoding="utf-8")
    code, _, err = run("evaluate", str(EXAMPLE), "--regels", str(tmp_path / "nl"))
    assert code == 2 and "kring.yaml:" in err and "naar zichzelf" in err


# -- -o ----------------------------------------------------------------------------------------------


def test_output_refuses_a_symlink(tmp_path: Path) -> None:
    victim = write(tmp_path, "slachtoffer.txt", "blijft staan")
    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    code, _, err = run("evaluate", str(EXAMPLE), "-o", str(link))
    assert code == 2 and "symbolische link" in err
    assert link.is_symlink() and victim.read_text(encoding="utf-8") == "blijft staan"


def test_output_refuses_a_device_and_a_fifo(tmp_path: Path) -> None:
    # A private device node (like /dev/null), so a regression cannot replace the system's /dev/null.
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod needs root")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (device, fifo):
        before = os.lstat(target)
        code, _, err = run("evaluate", str(EXAMPLE), "-o", str(target))
        after = os.lstat(target)
        assert code == 2 and "geen gewoon bestand" in err
        assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)


def test_output_refuses_a_directory_and_a_missing_directory(tmp_path: Path) -> None:
    code, _, err = run("evaluate", str(EXAMPLE), "-o", str(tmp_path))
    assert code == 2 and "is een map" in err
    code, _, err = run("evaluate", str(EXAMPLE), "-o", str(tmp_path / "nergens" / "uit.txt"))
    assert code == 2 and "bestaat niet" in err and "interne fout" not in err


def test_output_keeps_an_existing_files_mode_and_new_files_follow_the_umask(tmp_path: Path) -> None:
    existing = write(tmp_path, "bestaand.txt", "oud")
    existing.chmod(0o640)
    assert run("evaluate", str(EXAMPLE), "-o", str(existing))[0] == 0
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and existing.read_text(encoding="utf-8").startswith("Besluitadvies")
    old = os.umask(0o027)
    try:
        assert run("evaluate", str(EXAMPLE), "-o", str(tmp_path / "nieuw.txt"))[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "nieuw.txt").stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bestaand.txt", "nieuw.txt"]  # no temporary file left


# -- -j ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["0", "-1", "veel"])
def test_jobs_must_be_a_positive_number(tmp_path: Path, jobs: str) -> None:
    lines = write(tmp_path, "zaken.jsonl", json.dumps(GOOD) + "\n")
    code, out, err = run("evaluate", str(lines), "-j", jobs)
    assert code == 2 and out == "" and "--jobs" in err


def test_jobs_is_capped_at_the_number_of_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    from weerbaar_rules.cli import batch

    original = batch.Pool.__enter__

    def counting(self: batch.Pool) -> batch.Pool:
        started.append(self.size)
        return original(self)

    monkeypatch.setattr(batch.Pool, "__enter__", counting)
    lines = write(tmp_path, "zaken.jsonl", (json.dumps(GOOD) + "\n") * 3)
    code, out, _ = run("evaluate", str(lines), "-j", "100000")
    assert code == 0 and len(out.splitlines()) == 3
    assert started == ([] if (os.cpu_count() or 1) == 1 else [os.cpu_count()])


# -- terminal and stderr injection -------------------------------------------------------------------


@pytest.mark.parametrize("forged", FORGED)
def test_case_text_cannot_forge_report_lines(tmp_path: Path, forged: str) -> None:
    data = changed(("zaak_id",), "Z" + forged)
    data["informatie"][0]["id"] = "bar1" + forged
    data["activiteiten"][0]["informatie"] = ["bar1" + forged]
    data["informatie"].append({"id": "anon" + forged, "bron": "anonieme_melding", "grondslag": "geen"})
    data["activiteiten"][0]["informatie"].append("anon" + forged)
    case = write(tmp_path, "zaak.json", data)
    for args in (["--format", "text"], ["--format", "text", "--volledig"], ["--format", "md"]):
        code, out, _ = run("evaluate", str(case), *args)
        assert code == 0
        assert not unsafe_characters(out), args
        assert sum(line.startswith(("Aanbevolen:", "fout:")) for line in out.splitlines()) <= 1, args
        assert "Sluiting (vals)" not in [line.strip("* ") for line in out.splitlines()]
    code, out, _ = run("evaluate", str(case), "--format", "dot", "--volledig")
    assert code == 0 and not unsafe_characters(out)  # the picture's labels too
    for instrument in ("sluiting_13b_opiumwet", "bestuurlijke_waarschuwing", None):
        code, out, _ = run("explain", str(case), *([instrument] if instrument else []))
        assert code == 0 and not unsafe_characters(out), instrument
        assert not any(line.startswith(("Aanbevolen:", "fout:")) for line in out.splitlines())


@pytest.mark.parametrize("forged", FORGED)
def test_case_text_cannot_forge_error_lines(tmp_path: Path, forged: str) -> None:
    unknown_key = write(tmp_path, "sleutel.json", changed(("locatie", "minderjarig" + forged), True))
    unknown_ref = write(tmp_path, "verwijzing.json", changed(("activiteiten", 0, "informatie"), ["x" + forged]))
    unknown_gemeente = write(tmp_path, "gemeente.json", changed(("gemeente",), "Atlantis" + forged))
    for path in (unknown_key, unknown_ref, unknown_gemeente):
        code, out, err = run("evaluate", str(path))
        assert code == 2 and out == ""
        assert_one_clean_line(err)
        assert err.startswith("fout: ")  # whatever the case text says, it stays inside this one line


def test_lone_surrogate_is_bad_input_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "surrogaat.json", json.dumps(changed(("zaak_id",), "\ud800")))
    code, _, err = run("evaluate", str(path))
    assert code == 2 and "zaak_id" in err and "interne fout" not in err


# -- personal data in errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        ("locatie", "type"),
        ("locatie", "eigendom"),
        ("peildatum",),
        ("activiteiten", 0, "datum"),
        ("activiteiten", 0, "hoeveelheid", "waarde"),
        ("locatie", "minderjarigen"),
        ("informatie", 0, "bron"),
        ("activiteiten", 0, "informatie", 0),
    ],
)
def test_errors_name_the_field_not_the_value(tmp_path: Path, where: tuple[Any, ...]) -> None:
    code, _, err = run("evaluate", str(write(tmp_path, "zaak.json", changed(where, SECRET))))
    assert code == 2
    assert "Jansen" not in err and "123456782" not in err and "Kerkstraat" not in err
    assert ".".join(str(p) for p in where if isinstance(p, str)).split(".")[-1] in err


def test_enum_error_says_what_is_allowed_in_dutch(tmp_path: Path) -> None:
    code, _, err = run("evaluate", str(write(tmp_path, "zaak.json", changed(("locatie", "type"), SECRET))))
    assert code == 2 and "toegestaan: 'woning', 'lokaal'" in err and "'gebied'" in err and " or " not in err


# -- bad input: exit 2 with file and place -----------------------------------------------------------


def yaml_case(**lines: str) -> str:
    base = {"zaak_id": "Y-1", "peildatum": "2026-11-01", "locatie": "{type: woning}"}
    base.update(lines)
    return "".join(f"{key}: {value}\n" for key, value in base.items())


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("datum.yaml", yaml_case(peildatum="2026-02-30"), "datum.yaml:2:12: deze datum bestaat niet"),
        ("tijd.yaml", yaml_case(peildatum="2026-02-01 10:00:00"), "tijd.yaml:2:1: peildatum: ongeldige datum"),
        ("dubbel.yaml", yaml_case() + "zaak_id: Y-2\n", "dubbel.yaml:4:1: sleutel 'zaak_id' staat twee keer"),
        ("nan.yaml", yaml_case(locatie="{type: woning}\nactiviteiten: [{type: drugshandel, hoeveelheid: {eenheid: gram, waarde: .nan}, informatie: [a]}]"), "nan.yaml:4:"),
        ("groot.yaml", yaml_case(locatie="{type: woning}\nactiviteiten: [{type: drugshandel, hoeveelheid: {eenheid: planten, waarde: " + "9" * 5000 + "}, informatie: [a]}]"), "te groot"),
        ("dubbel.json", '{"zaak_id": "J-1",\n "zaak_id": "J-2", "locatie": {"type": "woning"}}', "dubbel.json:2:2: zaak_id: sleutel 'zaak_id' staat twee keer"),
        ("dubbel_diep.json", '{"zaak_id": "J-1", "locatie": {"type": "woning",\n  "type": "lokaal"}}', "dubbel_diep.json:2:3: locatie.type: sleutel"),
        ("groot.json", '{"zaak_id": "J", "locatie": {"type": "woning"}, "activiteiten": [{"type": "drugshandel", "hoeveelheid": {"eenheid": "planten", "waarde": ' + "9" * 5000 + '}, "informatie": ["a"]}]}', "groot.json:1:138: activiteiten[0].hoeveelheid.waarde: getal met 5000 cijfers is te groot"),
        ("tekst_getal.json", json.dumps(changed(("activiteiten", 0, "hoeveelheid", "waarde"), "12")), "activiteiten[0].hoeveelheid.waarde: verwacht een getal"),
        ("bool_getal.json", json.dumps(changed(("activiteiten", 0, "hoeveelheid", "waarde"), True)), "activiteiten[0].hoeveelheid.waarde: verwacht een getal"),
        ("float_getal.json", json.dumps(changed(("voorgeschiedenis",), [{"instrument": "bestuurlijke_waarschuwing", "duur_maanden": 12.5}])), "voorgeschiedenis[0].duur_maanden: verwacht een geheel getal"),
        ("tekst_bool.json", json.dumps(changed(("locatie", "minderjarigen"), "false")), "locatie.minderjarigen: verwacht true of false"),
        ("getal_bool.json", json.dumps(changed(("locatie", "minderjarigen"), 0)), "locatie.minderjarigen: verwacht true of false"),
        ("datumtijd.json", json.dumps(changed(("peildatum",), "2026-11-01T00:00:00")), "peildatum: ongeldige datum"),
        ("getal_datum.json", json.dumps(changed(("peildatum",), 86400)), "peildatum: ongeldige datum"),
        ("nan.json", json.dumps(changed(("activiteiten", 0, "hoeveelheid", "waarde"), 1.5)).replace("1.5", "NaN"), "activiteiten[0].hoeveelheid.waarde: NaN is geen getal"),
        ("typo.json", json.dumps(changed(("locatie",), {"typ": "woning"})), "locatie: het 1e veld is onbekend; bedoelde je 'type'?"),
    ],
)
def test_bad_case_is_exit_2_with_file_and_place(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = write(tmp_path, name, content)
    code, out, err = run("evaluate", str(path))
    assert code == 2 and out == "", err
    assert expected in err, err
    assert str(path) in err
    assert_one_clean_line(err)


def test_yaml_error_names_the_key_line(tmp_path: Path) -> None:
    text = "zaak_id: x\nlocatie:\n  type: woning\n  eigendom: kraakpand\n"
    code, _, err = run("evaluate", str(write(tmp_path, "zaak.yaml", text)))
    assert code == 2 and "zaak.yaml:4:3: locatie.eigendom" in err  # line and column of the key


def test_size_cap_counts_bytes_read_on_stdin() -> None:
    code, out, err = run("evaluate", "-", stdin=b" " * (20 * 1024 * 1024 + 10))
    assert code == 2 and out == "" and err == f"fout: stdin: bestand is te groot (meer dan {20 * 1024 * 1024} bytes)\n"


def test_size_cap_counts_bytes_read_on_a_device() -> None:
    code, _, err = run("evaluate", "/dev/zero")
    assert code == 2 and "/dev/zero: bestand is te groot" in err


def test_size_cap_counts_bytes_read_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "zaak.json"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"head -c 21000000 /dev/zero > {fifo}"])
    try:
        code, _, err = run("evaluate", str(fifo))
    finally:
        writer.kill()
        writer.wait()
    assert code == 2 and "bestand is te groot" in err


@pytest.mark.parametrize("text", [json.dumps(GOOD), "zaak_id: S-1\nlocatie: {type: woning}\n"])
def test_dash_reads_one_case_from_stdin(text: str) -> None:
    code, out, err = run("evaluate", "-", "--format", "json", stdin=text.encode("utf-8"))
    assert code == 0, err
    assert json.loads(out)["zaak_id"] in (GOOD["zaak_id"], "S-1")


def test_stdin_errors_name_stdin() -> None:
    code, _, err = run("evaluate", "-", stdin=b'{"zaak_id": 1}')
    assert code == 2 and err.startswith("fout: stdin:")


# -- rulesets: evaluate and check fail alike ---------------------------------------------------------

PARAMETER = "parameters:\n  extra_param:\n    waarde: {value}\n    omschrijving: test\n"
RULE = """rules:
  - id: test.extra
    title: Extra regel
    grondslag:
      - {{wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b, lid: "1"}}
    {extra}when: {{fact: locatie.type, equals: woning}}
    then:
      - derive: extra_feit
"""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PARAMETER.format(value=".nan"), "extra.yaml:3:13: .nan en .inf zijn geen getallen"),
        (PARAMETER.format(value=".inf"), "extra.yaml:3:13: .nan en .inf"),
        (PARAMETER.format(value="-.Inf"), "extra.yaml:3:13: .nan en .inf"),
        (PARAMETER.format(value="9" * 30), "extra.yaml:3:13: getal met 30 tekens is te groot"),
        (PARAMETER.format(value="9007199254740993"), "extra.yaml:3:13: getal is te groot"),
        (RULE.format(extra="geldig_van: 2026-02-30\n    "), "extra.yaml:6:17: deze datum bestaat niet"),
        (RULE.format(extra="id: test.tweede\n    "), "extra.yaml:6:5: sleutel 'id' staat twee keer"),
        (RULE.format(extra="titel: Typefout\n    "), "extra.yaml:6: regel test.extra: rules[0].titel: onbekend veld"),
    ],
)
def test_bad_ruleset_fails_evaluate_and_check_with_the_line(tmp_path: Path, content: str, expected: str) -> None:
    shutil.copytree(RULES, tmp_path / "nl")
    (tmp_path / "nl" / "extra.yaml").write_text(content, encoding="utf-8")
    code, _, err = run("evaluate", str(EXAMPLE), "--regels", str(tmp_path / "nl"))
    assert code == 2 and expected in err, err
    assert_one_clean_line(err)
    code, out, _ = run("check", str(tmp_path / "nl"))
    assert code == 1 and any(expected.split(": ", 1)[1] in line and "extra.yaml" in line and " fout " in line for line in out.splitlines()), out


@pytest.mark.parametrize(
    ("typo", "fixed", "expected"),
    [
        ("title:", "titel:", "titel: onbekend veld; bedoelde je 'title'?"),  # a key of a rule
        ("fact: locatie.type", "fact: locatie.typ", "'locatie.typ' is geen veld van de zaak"),  # a field in a condition
    ],
)
def test_one_typo_gives_one_check_error(tmp_path: Path, typo: str, fixed: str, expected: str) -> None:
    shutil.copytree(RULES, tmp_path / "nl")
    path = tmp_path / "nl" / "opiumwet.yaml"
    text = path.read_text(encoding="utf-8")
    assert typo in text
    path.write_text(text.replace(typo, fixed, 1), encoding="utf-8")
    code, out, _ = run("check", str(tmp_path / "nl"))
    errors = [line for line in out.splitlines() if ": fout [" in line]
    assert code == 1 and len(errors) == 1, "\n".join(errors)
    assert expected in errors[0]


def test_pydantic_messages_are_dutch_in_ruleset_errors(tmp_path: Path) -> None:
    shutil.copytree(RULES, tmp_path / "nl")
    (tmp_path / "nl" / "extra.yaml").write_text(RULE.format(extra="").replace("    title: Extra regel\n", ""), encoding="utf-8")
    code, _, err = run("evaluate", str(EXAMPLE), "--regels", str(tmp_path / "nl"))
    assert code == 2 and "title: verplicht veld ontbreekt" in err and "Field required" not in err


# -- click in Dutch ------------------------------------------------------------------------------


def test_click_speaks_dutch() -> None:
    result = CliRunner().invoke(main, ["evaluate", "--help"])
    assert "Toon deze hulp en stop." in result.output and "Show this message" not in result.output
    assert "Gebruik:" in result.output and "Opties" in result.output
    code, _, err = run("evaluate")
    assert code == 2 and "Argument ontbreekt" in err and "Missing argument" not in err
    code, _, err = run("evaluate", str(EXAMPLE), "--format", "pdf")
    assert code == 2 and "is niet een van" in err and "Ongeldige waarde voor" in err
