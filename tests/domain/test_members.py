"""Member CSV -> validated, deduplicated Member records; every problem reported with its row."""

import hashlib

import pytest

from collectibles.domain.errors import InvalidMemberFile, MemberFileChanged
from collectibles.domain.members import (
    Duplicate,
    Member,
    address_problem,
    load_members,
    parse_members,
    read_columns,
)

CHECKSUMMED = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
LOWER = "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"
UPPER = "0xDBF03B407C01E7CD3CBEA99509D93F8DDDC8C6FB"
ZERO = "0x" + "0" * 40


def parse(text, **kwargs):
    return parse_members(text.encode(), source="members.csv", **kwargs)


def problems(text, **kwargs):
    with pytest.raises(InvalidMemberFile) as info:
        parse(text, **kwargs)
    return info.value.problems


# ------------------------------------------------------------------ valid files


def test_parse__three_address_forms__all_accepted_checksummed_in_order():
    members = parse(
        f"member_id,address,tier\nA,{CHECKSUMMED},gold\nB,{LOWER},silver\nC,{UPPER},gold\n"
    )

    assert members.addresses == [
        CHECKSUMMED,
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    ]
    assert [m.row for m in members.members] == [2, 3, 4]
    assert members.columns == ("member_id", "address", "tier")
    assert dict(members.with_columns())[members.members[1]] == {
        "member_id": "B",
        "address": LOWER,
        "tier": "silver",
    }


def test_parse__header_case_spaces_and_bom__address_column_found():
    members = parse_members(f"\ufeff Address ,name\n {CHECKSUMMED} ,Ada\n".encode())

    assert members.addresses == [CHECKSUMMED]


def test_parse__sha256__of_the_file_bytes():
    text = f"address\n{CHECKSUMMED}\n"

    assert parse(text).sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_parse__trailing_blank_lines__ignored():
    assert parse(f"address\n{CHECKSUMMED}\n\n\n").addresses == [CHECKSUMMED]


def test_parse__quoted_fields__carried_as_written():
    members = parse(f'address,name\n{CHECKSUMMED},"Lovelace, Ada"\n')

    assert [columns["name"] for _, columns in members.with_columns()] == ["Lovelace, Ada"]


def test_load_members__reads_the_path(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(f"address\n{LOWER}\n")

    assert len(load_members(path).members) == 1


# ------------------------------------------------------------------ duplicates


def test_parse__duplicate_address_any_case__merged_into_first_and_reported():
    members = parse(f"address,id\n{CHECKSUMMED},1\n{LOWER},2\n{CHECKSUMMED.lower()},3\n")

    assert members.addresses == [CHECKSUMMED, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"]
    assert members.duplicates == (Duplicate(row=4, first_row=2, address=CHECKSUMMED),)
    assert members.kept_duplicates is False


def test_parse__keep_duplicates__every_row_kept_and_still_reported():
    members = parse(f"address,id\n{CHECKSUMMED},1\n{CHECKSUMMED},2\n", keep_duplicates=True)

    assert members.addresses == [CHECKSUMMED, CHECKSUMMED]
    assert [(m.row, columns["id"]) for m, columns in members.with_columns()] == [(2, "1"), (3, "2")]
    assert members.duplicates == (Duplicate(row=3, first_row=2, address=CHECKSUMMED),)


# ------------------------------------------------------------------ problems, each with its row


def test_parse__malformed_addresses__each_reported_with_row():
    found = problems(f"address\n0x1234\n{CHECKSUMMED[:-1]}g\nnot-an-address\n{CHECKSUMMED[2:]}\n")

    assert [row for row, _ in found] == [2, 3, 4, 5]
    assert all("is not an address" in p for _, p in found)


def test_parse__mixed_case_wrong_checksum__reported_with_correct_form():
    wrong = CHECKSUMMED[:-1] + "D"

    assert problems(f"address\n{wrong}\n") == [
        (2, f"{wrong} has a wrong EIP-55 checksum (did you mean {CHECKSUMMED}?)")
    ]


def test_parse__zero_address__reported():
    assert problems(f"address\n{CHECKSUMMED}\n{ZERO}\n") == [
        (3, "the zero address cannot receive a token")
    ]


def test_parse__empty_rows__reported():
    assert problems(f"address,id\n{CHECKSUMMED},1\n\n,\n{LOWER},2\n") == [
        (3, "empty row"),
        (4, "empty row"),
    ]


def test_parse__empty_address_with_other_fields__reported():
    assert problems("address,id\n,7\n") == [(2, "the address is empty")]


def test_parse__wrong_field_count__reported():
    assert problems(f"address,id\n{CHECKSUMMED},1,extra\n{LOWER}\n") == [
        (2, "3 fields, but the header has 2"),
        (3, "1 fields, but the header has 2"),
    ]


def test_parse__every_problem_at_once__all_listed_and_message_has_rows():
    with pytest.raises(InvalidMemberFile) as info:
        parse(f"address\n0x12\n{ZERO}\n\n{CHECKSUMMED}\n")

    assert [row for row, _ in info.value.problems] == [2, 3, 4]
    message = str(info.value)
    assert message.startswith("members.csv: 3 problems, nothing was sent")
    assert "row 2:" in message
    assert "row 3:" in message
    assert "row 4: empty row" in message


def test_parse__missing_address_column__reported_on_header():
    assert problems(f"wallet,id\n{CHECKSUMMED},1\n") == [
        (1, "no 'address' column in the header row (found 'wallet', 'id')")
    ]


def test_parse__two_address_columns__reported():
    assert problems(f"address,Address\n{CHECKSUMMED},{LOWER}\n") == [
        (1, "the header row has more than one 'address' column")
    ]


def test_parse__reserved_or_repeated_column__reported():
    assert problems(f"address,token_id,tier,tier\n{CHECKSUMMED},1,a,b\n") == [
        (1, "column 'tier' appears more than once"),
        (1, "column 'token_id' is reserved for the airdrop report"),
    ]


def test_parse__empty_file__reported():
    assert problems("") == [
        (1, "the file is empty: expected a header row with an 'address' column")
    ]


def test_parse__header_only__no_members_reported():
    assert problems("address,id\n") == [(1, "the file has a header row but no members")]


def test_parse__binary_file__not_csv():
    with pytest.raises(InvalidMemberFile) as info:
        parse_members(b"PK\x03\x04\x14\x00\x06\x00\xff\xfe\x00", source="members.xlsx")

    assert info.value.problems[0][0] == 1
    assert "not a CSV text file" in info.value.problems[0][1]


def test_parse__unterminated_quote_in_last_column__refused_with_its_row():
    rows = "".join(f"0x{i:040x},member\n" for i in range(1, 9))
    text = f'address,tier\n{CHECKSUMMED},gold\n{LOWER},"VIP\n{rows}'

    found = problems(text)

    assert found == [(3, "a quoted field is never closed")]


def test_parse__stray_quote_inside_a_field__refused_with_its_row():
    found = problems(f'address,tier\n{CHECKSUMMED},gold\n{LOWER},"VIP" member\n')

    assert found[0][0] == 3
    assert "not a readable CSV file" in found[0][1]


def test_parse__unreadable_csv_row__reported_with_its_row():
    found = problems(f"address,note\n{CHECKSUMMED},ok\n{LOWER},{'x' * 200_000}\n")

    assert found[0][0] == 3
    assert "not a readable CSV file" in found[0][1]


def test_parse__json_file__no_address_column():
    found = problems('{"members": ["0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]}')

    assert found[0][0] == 1
    assert "no 'address' column" in found[0][1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CHECKSUMMED, None),
        (LOWER, None),
        (UPPER, None),
        ("", "the address is empty"),
        (ZERO, "the zero address cannot receive a token"),
        ("0X" + LOWER[2:], "'0X" + LOWER[2:] + "' is not an address (0x and 40 hex digits)"),
    ],
)
def test_address_problem__each_form(text, expected):
    assert address_problem(text) == expected


# ------------------------------------------------------------------ streaming, compact members, columns again


def test_checksum_address__random_addresses__same_as_eth_utils():
    from eth_utils import keccak, to_checksum_address

    from collectibles.domain.members import checksum_address

    for i in range(2_000):
        lower = keccak(text=f"member {i}")[-20:].hex()

        assert "0x" + checksum_address(lower.encode()).decode() == to_checksum_address(lower)


def test_load_members__streamed_file__same_as_parsing_its_bytes(tmp_path):
    text = f"address,id\n{CHECKSUMMED},1\n{LOWER},2\n{UPPER},3\n{LOWER},4\n"
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode())

    loaded, parsed = load_members(path), parse(text)

    assert loaded == parsed
    assert (loaded.members, loaded.duplicates, loaded.sha256) == (
        parsed.members,
        parsed.duplicates,
        hashlib.sha256(text.encode()).hexdigest(),
    )


def test_members__sequence__rows_addresses_index_and_slice():
    members = parse(f"address\n{LOWER}\n{CHECKSUMMED}\n{UPPER}\n").members

    assert len(members) == 3
    assert members[-1] == members[2] == Member(4, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")
    assert members[0:2] == [
        Member(2, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"),
        Member(3, CHECKSUMMED),
    ]
    assert list(members.rows) == [2, 3, 4]
    with pytest.raises(IndexError):
        members[3]


def test_with_columns__merged_duplicate__only_members_each_with_its_own_row():
    members = parse(f"address,id\n{CHECKSUMMED},1\n{CHECKSUMMED.lower()},2\n{LOWER},3\n")

    assert [(m.row, m.address, c["id"]) for m, c in members.with_columns()] == [
        (2, CHECKSUMMED, "1"),
        (4, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "3"),
    ]


def test_read_columns__every_data_row_by_number__header_names_stripped(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(f" Address , tier\n{LOWER},gold\n{UPPER},silver\n\n".encode())

    assert list(read_columns(path)) == [
        (2, {"Address": LOWER, "tier": "gold"}),
        (3, {"Address": UPPER, "tier": "silver"}),
    ]


def test_read_columns__file_changed_since_validation__refused_after_the_rows(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes(f"address,tier\n{LOWER},gold\n".encode())
    members = load_members(path)
    path.write_bytes(f"address,tier\n{LOWER},platinum\n".encode())

    with pytest.raises(MemberFileChanged, match="changed since the airdrop was planned"):
        list(members.with_columns())


def test_parse__not_utf8_in_a_later_row__reported_with_that_row():
    data = f"address,name\n{CHECKSUMMED},Ada\n{LOWER},Bj\xf6rn\n".encode("latin-1")

    with pytest.raises(InvalidMemberFile) as info:
        parse_members(data, source="members.csv")

    assert info.value.problems == [(3, "not a CSV text file (not UTF-8: invalid start byte)")]


def test_parse__nul_byte__reported_with_its_row():
    assert problems(f"address,name\n{CHECKSUMMED},Ada\n{LOWER},B\x00b\n") == [
        (3, "not a CSV text file (it holds NUL bytes)")
    ]


def test_parse__carriage_return_line_ends__each_a_row():
    members = parse(f"address,id\r{CHECKSUMMED},1\r{LOWER},2\r")

    assert [m.row for m in members.members] == [2, 3]


def test_load_members__large_file__every_member_in_order(tmp_path):
    from eth_utils import keccak, to_checksum_address

    addresses = [to_checksum_address(keccak(text=f"m{i}")[-20:]) for i in range(20_000)]
    path = tmp_path / "big.csv"
    path.write_text("address,id\n" + "".join(f"{a},{i}\n" for i, a in enumerate(addresses)))

    members = load_members(path)

    assert members.addresses == addresses
    assert members.members[-1].row == 20_001
