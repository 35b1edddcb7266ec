"""The plan's compact numbering (issue 9, item 7): the member file's digits seen through sorted positions, the
same plan whether it is given the member file or a list of strings, and what the journal reads back for signing."""

import random
from array import array

import pytest
from utils.journals import create

from collectibles.chain.airdrop.journal import Journal
from collectibles.chain.airdrop.plan import CampaignAddresses, campaign_entries, plan_airdrop
from collectibles.chain.airdrop.records import OPEN
from collectibles.domain import members as members_module
from collectibles.domain.members import Members, checksum_address, parse_members

CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def member_file(addresses, keep_duplicates=False):
    text = "address,id\n" + "".join(f"{a},M{i}\n" for i, a in enumerate(addresses))
    return parse_members(text.encode(), keep_duplicates=keep_duplicates)


def plan_of(addresses, **overrides):
    args = {
        "chain_id": 31337,
        "genesis_hash": "0x" + "11" * 32,
        "contract": CONTRACT,
        "series_id": 1,
        "addresses": addresses,
        "batch_size": 7,
    }
    return plan_airdrop(**(args | overrides))


@pytest.fixture
def shuffled():
    """60 random addresses with 5 of them repeated, in random order, lowercase."""
    rng = random.Random(7)
    addresses = [f"0x{rng.randrange(1, 2**160):040x}" for _ in range(60)]
    addresses += rng.sample(addresses, 5)
    rng.shuffle(addresses)
    return addresses


def test_by_address__runs_merged__positions_sorted_by_address_then_position(shuffled, monkeypatch):
    monkeypatch.setattr(members_module, "_SORT_RUN", 8)  # 65 members: 9 runs to merge
    members = Members.of_addresses(shuffled)

    order = members.by_address()

    assert list(order) == sorted(range(len(shuffled)), key=lambda i: (int(shuffled[i], 16), i))
    assert members.by_address() is order  # computed once


def test_parse__duplicates_found_by_sorting__same_as_first_row_rule(shuffled, monkeypatch):
    monkeypatch.setattr(members_module, "_SORT_RUN", 8)
    first: dict[str, int] = {}
    expected = []
    for row, address in enumerate(shuffled, start=2):
        if address in first:
            expected.append((row, first[address]))
        else:
            first[address] = row

    merged, kept = member_file(shuffled), member_file(shuffled, keep_duplicates=True)

    assert [(d.row, d.first_row) for d in merged.duplicates] == expected
    assert kept.duplicates == merged.duplicates
    assert [m.row for m in merged.members] == sorted(first.values())
    assert len(kept.members) == len(shuffled)


@pytest.mark.parametrize("keep_duplicates", [False, True])
def test_plan__from_member_file_or_strings__same_plan(shuffled, keep_duplicates):
    members = member_file(shuffled, keep_duplicates)

    compact, listed = plan_of(members.members), plan_of(members.addresses)

    assert compact == listed
    assert (compact.plan_id, compact.batches) == (listed.plan_id, listed.batches)
    assert list(compact.order) == list(listed.order)


def test_plan__kept_duplicate__occurrences_numbered_in_file_order(shuffled):
    members = member_file(shuffled, keep_duplicates=True)

    entries = campaign_entries(members.members)

    assert [(raw, occurrence) for raw, occurrence, _ in entries] == sorted(
        (raw, occurrence) for raw, occurrence, _ in entries
    )
    repeated = [e for e in entries if e[1] == 1]
    assert len(repeated) == 5
    for (
        raw,
        _,
        position,
    ) in repeated:  # the second row of an address comes after the first in the file
        (first_position,) = [p for r, o, p in entries if r == raw and o == 0]
        assert first_position < position


def test_campaign_addresses__by_member_number__checksummed_slices_and_order(shuffled):
    members = member_file(shuffled)
    plan = plan_of(members.members)
    addresses = plan.addresses

    assert isinstance(addresses, CampaignAddresses)
    assert [a.lower() for a in addresses] == sorted(set(shuffled), key=lambda a: int(a, 16))
    assert addresses[3:10] == list(addresses)[3:10]
    assert addresses[-1] == list(addresses)[-1]
    assert all(a[2:].encode() == checksum_address(a[2:].lower().encode()) for a in addresses)
    assert [members.addresses[p] for p in plan.order] == list(addresses)


def test_journal_addresses__read_back_compactly__the_plans_numbering(tmp_path, shuffled):
    members = member_file(shuffled)
    plan = plan_of(members.members)

    with Journal(tmp_path / "journal.sqlite") as journal:
        create(journal, plan, members)
        read = journal.addresses(plan.plan_id)

    assert list(read) == list(plan.addresses)
    assert read[7:14] == plan.addresses[7:14]
    assert list(read.order) == list(array("I", range(len(plan.addresses))))


def test_journal_reopen__complete_plan__open_again_without_report(tmp_path, shuffled):
    members = member_file(shuffled)
    plan = plan_of(members.members)
    with Journal(tmp_path / "journal.sqlite") as journal:
        create(journal, plan, members)
        journal.complete(plan.plan_id, "report.csv")
        assert journal.open_plan() is None

        journal.reopen(plan.plan_id)

        record = journal.plan(plan.plan_id)
        assert record is not None
        assert (record.status, record.report_path) == (OPEN, None)
        assert journal.open_plan() == record
