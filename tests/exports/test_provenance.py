"""The provenance gathered while extracting: each note once, --members over a measured size."""
from shequn.facts.exports import extract_facts
from shequn.facts.exports.measure import Result
from shequn.facts.exports.provenance import NO_MEMBER_COUNT, Provenance


def measured(notes=(), **facts):
    res = Result()
    for name, value in facts.items():
        res.set(name.replace("__", "."), value, "measured")
    res.notes.extend(notes)
    return res


def test_add_measured_takes_each_note_once():
    prov = Provenance()
    prov.notes.append("a note before")
    prov.add_measured(measured(["first", "second"]), None)
    assert prov.notes == ["a note before", "first", "second"]


def test_members_replaces_a_measured_size():
    prov = Provenance()
    unknown = prov.add_measured(measured(["measured note"], size__members=40), 50)
    assert prov.facts["size.members"] == 50 and prov.how["size.members"] == "--members"
    assert prov.notes == ["measured note", "--members replaces the measured size.members (40)"]
    assert "size.members" not in unknown


def test_unknown_members_without_a_count():
    assert Provenance().add_measured(measured(), None)["size.members"] == NO_MEMBER_COUNT


def test_extracted_notes_are_not_repeated(write_tg, b):
    # nothing in the window: the measurement notes it, and the unmatched --staff entry is noted too
    p = write_tg([b.tg_msg(1, b.A - 40 * b.D, "user1", "Sam", "hello")])
    _facts, prov = extract_facts(p, staff="nobody", as_of=b.A, days=7)
    notes = prov["notes"]
    assert len(notes) == len(set(notes))
    assert sum(n.startswith("no messages in the window") for n in notes) == 1
    assert sum("--staff entries matched nobody" in n for n in notes) == 1
