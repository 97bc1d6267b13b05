"""Known verdicts for real code pairs (PROVENANCE.md, 'NCCI facts for the focus pairs')."""

from __future__ import annotations

from datetime import date

import pytest

from clearclaim.edits import ClaimLine, EditEngine, Finding, check_claim
from clearclaim.errors import FieldError, InputError, UnknownCodeError
from clearclaim.store import Store

from .conftest import IN_QUARTER


def claim(*lines: tuple, day: date = IN_QUARTER) -> list[ClaimLine]:
    """Lines as (code, modifiers, units, pos); missing parts take defaults."""
    out = []
    for number, spec in enumerate(lines, start=1):
        code, mods, units, pos = (*spec, *("", "", 1, "11")[len(spec) :])
        out.append(
            ClaimLine(
                claim_id="K1",
                line=number,
                date_of_service=day,
                code=code,
                modifiers=mods,
                units=units,
                pos=pos,
            )
        )
    return out


def rules(
    findings: list[Finding], kind: str | None = None
) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule_id, f.code, f.related_code) for f in findings if kind is None or f.kind == kind}


def test_62321_with_77003_is_denied_modifier_only_with_a_distinct_service(engine: EditEngine):
    findings = engine.check(claim(("62321",), ("77003",))).findings
    ptp = [f for f in findings if f.kind == "ptp"]
    assert [(f.rule_id, f.code, f.related_code, f.severity) for f in ptp] == [
        ("PTP01", "77003", "62321", "deny")
    ]
    finding = ptp[0]
    assert finding.lines == (2, 1)
    assert "indicator 1" in finding.message
    assert "distinct" in finding.action
    assert finding.details["rationale"] == "CPT Manual or CMS manual coding instruction"
    source = finding.sources[0]
    assert source.file and source.file.startswith("ncci_ptp_practitioner_")
    assert source.row == "62321,77003,9999-12-31,1"
    assert source.effective_start == date(2024, 7, 1)


def test_a_distinct_service_modifier_clears_62321_77003_and_says_what_to_document(
    engine: EditEngine,
):
    findings = engine.check(claim(("62321",), ("77003", "XS"))).findings
    ptp = [f for f in findings if f.kind == "ptp"]
    assert [(f.rule_id, f.severity) for f in ptp] == [("PTP03", "info")]
    assert "XS" in ptp[0].message
    assert "separate structure" in ptp[0].message  # what the record must show
    assert not [f for f in findings if f.severity == "deny" and f.kind == "ptp"]


def test_a_modifier_that_is_not_ncci_associated_does_not_clear_it(engine: EditEngine):
    findings = engine.check(claim(("62321",), ("77003", "26"))).findings
    assert ("PTP01", "77003", "62321") in rules(findings, "ptp")


def test_27093_with_77002_is_allowed_in_2024_the_edit_ended_2010_03_31(engine: EditEngine):
    findings = engine.check(claim(("27093",), ("77002",))).findings
    assert rules(findings, "ptp") == set()
    # 77002 is a type 1 add-on of 27093: no add-on finding either
    assert rules(findings, "add_on") == set()


def test_27093_with_77002_was_denied_while_the_edit_was_in_force(engine: EditEngine):
    result = engine.check(claim(("27093",), ("77002",), day=date(2009, 6, 1)))
    assert ("PTP01", "77002", "27093") in rules(result.findings, "ptp")
    # the release used is not in force in 2009: the engine says so
    assert any(w.family == "ptp_practitioner" for w in result.warnings)
    assert any("no effective dates" in w.message for w in result.warnings)
    assert {f.rule_id for f in result.data_findings} == {"DATA01"}


def test_77002_two_units_exceeds_its_mue(engine: EditEngine):
    findings = engine.check(claim(("77002", "", 2))).findings
    mue = [f for f in findings if f.kind == "mue"]
    assert [(f.rule_id, f.severity) for f in mue] == [("MUE03", "deny")]
    assert mue[0].details["limit"] == "1"
    assert "MAI 3" in mue[0].message
    assert "per date of service" in mue[0].message


def test_mue_counts_units_over_every_line_of_the_date(engine: EditEngine):
    findings = engine.check(claim(("77002", "", 1), ("77002", "XS", 1))).findings
    mue = [f for f in findings if f.kind == "mue"]
    assert len(mue) == 1 and mue[0].lines == (1, 2) and mue[0].details["units"] == "2"


def test_76001_after_its_deletion_is_not_valid(engine: EditEngine):
    findings = engine.check(claim(("76001",))).findings
    status = [f for f in findings if f.kind == "status"]
    assert [(f.rule_id, f.severity) for f in status] == [("STAT02", "deny")]
    assert status[0].details["deleted_on"] == "2018-12-31"
    assert "absent from RVU24C" in status[0].message


def test_add_on_77002_without_a_primary_is_denied(engine: EditEngine):
    findings = engine.check(claim(("77002",))).findings
    aoc = [f for f in findings if f.kind == "add_on"]
    assert [(f.rule_id, f.severity) for f in aoc] == [("AOC01", "deny")]
    assert "27093" in aoc[0].message or int(aoc[0].details["n_primaries"]) > 5


def test_add_on_77001_contractor_defined_is_never_a_deny(engine: EditEngine):
    alone = engine.check(claim(("77001",))).findings
    assert {(f.rule_id, f.severity) for f in alone if f.kind == "add_on"} == {("AOC02", "warn")}
    with_other = engine.check(claim(("36561",), ("77001",))).findings
    assert {(f.rule_id, f.severity) for f in with_other if f.kind == "add_on"} == {
        ("AOC04", "info")
    }


def test_setting_picks_the_table_27095_62321(engine: EditEngine):
    # practitioner table: modifier indicator 0; outpatient hospital table: 1
    lines = claim(("27095",), ("62321", "XS"))
    professional = rules(engine.check(lines, setting="professional").findings, "ptp")
    facility = rules(engine.check(lines, setting="facility").findings, "ptp")
    assert ("PTP02", "62321", "27095") in professional
    assert ("PTP03", "62321", "27095") in facility


def _pfs_code(store: Store, where: str, params: tuple = ()) -> str:
    choice = store.release_for("pfs_rvu", IN_QUARTER)
    row = store.fetchone(
        f"SELECT hcpcs FROM pfs_rvu WHERE {choice.sql_in()} AND modifier = '' AND {where}"
        " ORDER BY hcpcs LIMIT 1",
        (*choice.ids, *params),
    )
    assert row, where
    return row[0]


def test_pc_tc_modifiers(engine: EditEngine, full_store: Store):
    assert rules(engine.check(claim(("76000", "26"))).findings, "pc_tc") == set()
    assert ("PCTC01", "99213", None) in rules(
        engine.check(claim(("99213", "26"))).findings, "pc_tc"
    )
    pc_only = _pfs_code(full_store, "pctc_indicator = '2'")
    finding = [f for f in engine.check(claim((pc_only, "26"))).findings if f.kind == "pc_tc"]
    assert [f.rule_id for f in finding] == ["PCTC01"] and "26" in finding[0].message


def test_global_test_in_a_hospital_setting(engine: EditEngine):
    hospital = engine.check(claim(("76000", "", 1, "22"))).findings
    assert ("PCTC02", "76000", None) in rules(hospital, "pc_tc")
    assert rules(engine.check(claim(("76000", "26", 1, "22"))).findings, "pc_tc") == set()
    assert rules(engine.check(claim(("76000", "", 1, "11"))).findings, "pc_tc") == set()
    facility = engine.check(claim(("76000", "", 1, "22")), setting="facility").findings
    assert rules(facility, "pc_tc") == set()


def test_status_invalid_and_not_yet_effective(engine: EditEngine, full_store: Store):
    invalid = _pfs_code(full_store, "status_code = 'I'")
    assert ("STAT01", invalid, None) in rules(engine.check(claim((invalid,))).findings)
    newest = max(full_store.releases("pfs_rvu"), key=lambda r: r.effective_start)
    now = full_store.release_for("pfs_rvu", IN_QUARTER)
    row = full_store.fetchone(
        "SELECT hcpcs FROM pfs_rvu WHERE release_id = ? AND modifier = '' AND hcpcs NOT IN"
        " (SELECT hcpcs FROM pfs_rvu WHERE release_id <> ?) ORDER BY hcpcs LIMIT 1",
        (newest.release_id, newest.release_id),
    )
    assert row and now.in_force
    found = rules(engine.check(claim((row[0],))).findings, "status")
    assert found == {("STAT03", row[0], None)}


def test_check_claim_adds_data_findings_and_round_trips(full_store: Store):
    findings = check_claim(full_store, claim(("62321",), ("77003",), day=date(2025, 2, 3)))
    assert "DATA01" in {f.rule_id for f in findings}
    for finding in findings:
        assert Finding.from_dict(finding.to_dict()) == finding


def test_edits_between_either_direction(engine: EditEngine):
    lookup = engine.edits_between("77003", "62321", day=IN_QUARTER)
    assert [(e.column_1, e.column_2, e.modifier_indicator, e.applies) for e in lookup.edits] == [
        ("62321", "77003", "1", True)
    ]
    deleted = engine.edits_between("27093", "77002", day=IN_QUARTER)
    assert [(e.in_force, e.deletion_date) for e in deleted.edits] == [(False, date(2010, 3, 31))]
    assert deleted.add_on and "type 1 add-on code of 27093" in deleted.add_on[0]
    none = engine.edits_between("36561", "77001", day=IN_QUARTER)
    assert none.edits == [] and none.release_in_force


def test_edits_between_rejects_bad_codes(engine: EditEngine):
    with pytest.raises(FieldError):
        engine.edits_between("6232", "77003", day=IN_QUARTER)
    with pytest.raises(UnknownCodeError):
        engine.edits_between("ZZZZ9", "77003", day=IN_QUARTER)
    with pytest.raises(InputError):
        engine.edits_between("62321", "77003", day=IN_QUARTER, setting="hospital")
