"""``ape run craft``: recipes created and listed, a member's progress as the chain has it, crafts checked off
chain (each bad input a one-line refusal with nothing sent) and sent."""

import pytest

from collectibles.domain.tokens import TransferPolicy
from scripts.craft import cli
from scripts.deploy import cli as deploy_cli


@pytest.fixture
def programme(invoke, last_json, project, accounts):
    """The Collectible and its programme contracts, deployed by the deploy script as TEST::0 (admin, minter,
    operator); series 1 Fortune (free), 2 Badge (soulbound), 3 Tiger (cap 2); five Fortunes and two
    Badges for TEST::3."""
    out = last_json(invoke(deploy_cli, "--account", "TEST::0", "--programme", "--json"))
    nft = project.Collectible.at(out["address"])
    admin, fan = accounts[0], accounts[3]
    for name, cap, policy in (
        ("Fortune", 100, TransferPolicy.FREE),
        ("Badge", 100, TransferPolicy.SOULBOUND),
        ("Tiger", 2, TransferPolicy.FREE),
    ):
        nft.createSeries(name, cap, int(policy), 0, "ipfs://x/card.json", sender=admin)
    nft.mintBatch(1, fan, 5, sender=admin)
    nft.mintBatch(2, fan, 2, sender=admin)
    return nft, project.CollectibleCrafting.at(out["programme"]["CollectibleCrafting"])


def new_recipe(invoke, last_json, *args):
    result = invoke(cli, "recipe", "--account", "TEST::0", *args, "--json")
    assert result.exit_code == 0, result.output
    return last_json(result)["recipe"]


def test_recipe__created_and_listed(invoke, last_json, programme):
    _, crafting = programme
    rid = new_recipe(
        invoke,
        last_json,
        "--input",
        "series=1 count=3",
        "--input",
        "series=2 serials=1-10 count=1",
        "--output",
        3,
        "--allow-soulbound",
    )
    listed = invoke(cli, "recipes", "--json")
    assert listed.exit_code == 0, listed.output
    assert "3 Fortune + 1 Badge (serials 1-10) -> 1 Tiger" in listed.output
    [shown] = last_json(listed)["recipes"]
    chain = crafting.recipe(rid)
    assert shown["input_count"] == chain.inputCount == 4
    assert shown["allow_soulbound"] is chain.allowSoulbound is True
    assert [
        (r["series"], r["min_serial"], r["max_serial"], r["count"]) for r in shown["inputs"]
    ] == [(list(r.seriesIds), r.minSerial, r.maxSerial, r.count) for r in chain.rules]


def test_recipe__soulbound_without_flag__refused_nothing_sent(invoke, programme, accounts):
    nonce = accounts[0].nonce
    result = invoke(
        cli, "recipe", "--account", "TEST::0", "--input", "series=2 count=1", "--output", 3
    )
    assert result.exit_code == 1
    assert "series 2 is soulbound: pass --allow-soulbound" in result.output
    assert accounts[0].nonce == nonce


def test_recipe__bad_syntax__usage_error(invoke, programme):
    result = invoke(cli, "recipe", "--account", "TEST::0", "--input", "series=1", "--output", 3)
    assert result.exit_code == 2
    assert "needs series= and count=" in result.output


def test_recipe__unknown_series__refused(invoke, programme, accounts):
    nonce = accounts[0].nonce
    result = invoke(
        cli, "recipe", "--account", "TEST::0", "--input", "series=9 count=1", "--output", 3
    )
    assert result.exit_code == 1
    assert "series 9 does not exist" in result.output
    assert accounts[0].nonce == nonce


def test_recipe__without_recipe_role__refused(invoke, programme, accounts):
    nonce = accounts[3].nonce
    result = invoke(
        cli, "recipe", "--account", "TEST::3", "--input", "series=1 count=1", "--output", 3
    )
    assert result.exit_code == 1
    assert "RECIPE_ROLE" in result.output
    assert accounts[3].nonce == nonce


def test_progress__figures_equal_the_chain(invoke, last_json, programme, accounts):
    nft, _ = programme
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=5", "--output", 3)
    fan = accounts[3]
    nft.transferFrom(fan, accounts[4], 1_000_002, sender=fan)
    nft.burn(1_000_005, sender=fan)
    result = invoke(cli, "progress", "--member", fan.address, "--recipe", rid, "--json")
    assert result.exit_code == 0, result.output
    assert "3 of 5 Fortune" in result.output
    [row] = last_json(result)["progress"]
    held = [t for t in range(1_000_001, 1_000_006) if _owner(nft, t) == fan.address]
    assert row["inputs"][0]["tokens"] == held
    assert (row["have"], row["needed"], row["ready"]) == (len(held), 5, False)


def test_make__dry_run__shows_inputs_nothing_sent(invoke, last_json, programme, accounts):
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=5", "--output", 3)
    nonce = accounts[3].nonce
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert "burns 1000001, 1000002, 1000003, 1000004, 1000005, mints 1 of series 3" in result.output
    assert last_json(result)["inputs"] == list(range(1_000_001, 1_000_006))
    assert accounts[3].nonce == nonce


def test_make__auto__burns_inputs_and_mints_output(invoke, last_json, programme, accounts, chain):
    nft, _ = programme
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=5", "--output", 3)
    supply = nft.totalSupply()
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3", "--json")
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert nft.ownerOf(out["output_token_id"]) == accounts[3].address
    assert out["output_token_id"] == 3_000_001
    assert nft.totalSupply() == supply - 4
    assert out["gas_used"] == chain.provider.get_receipt(out["tx_hash"]).gas_used
    assert all(_owner(nft, t) is None for t in out["inputs"])


def test_make__explicit_tokens__crafted(invoke, last_json, programme, accounts):
    nft, _ = programme
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=2", "--output", 3)
    result = invoke(
        cli,
        "make",
        "--recipe",
        rid,
        "--account",
        "TEST::3",
        "--tokens",
        "1000004,1000002",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert last_json(result)["inputs"] == [1_000_002, 1_000_004]
    assert _owner(nft, 1_000_001) == accounts[3].address


@pytest.mark.parametrize(
    ("tokens", "problem"),
    [
        ("1000001,1000002", "takes 5 tokens, 2 given: 3 more for input 1"),
        ("1000001,1000002,1000003,1000004,2000001", "token 2000001 is soulbound"),
        ("1000001,1000002,1000003,1000004,1000004", "given twice"),
        ("1000001,1000002,1000003,1000004,1000099", "token 1000099 does not exist"),
        ("one,two", "give auto or token ids"),
    ],
)
def test_make__bad_tokens__one_line_nothing_sent(
    invoke, last_json, programme, accounts, tokens, problem
):
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=5", "--output", 3)
    nonce = accounts[3].nonce
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3", "--tokens", tokens)
    assert result.exit_code != 0
    assert problem in result.output
    assert accounts[3].nonce == nonce


def test_make__serial_outside_the_range__matches_no_input(invoke, last_json, programme):
    rid = new_recipe(invoke, last_json, "--input", "series=1 serials=1-3 count=1", "--output", 3)
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3", "--tokens", "1000004")
    assert result.exit_code == 1
    assert f"token 1000004 matches no input of recipe {rid}" in result.output


def test_make__tokens_of_another_owner__refused(invoke, last_json, programme, accounts):
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=5", "--output", 3)
    nonce = accounts[4].nonce
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::4", "--tokens", "1000001")
    assert result.exit_code == 1
    assert f"token 1000001 belongs to {accounts[3].address}" in result.output
    assert accounts[4].nonce == nonce


def test_make__auto_too_few__says_what_is_missing(invoke, last_json, programme, accounts):
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=6", "--output", 3)
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3")
    assert result.exit_code == 1
    assert "too few tokens for recipe 1: 5 of 6, 1 more Fortune needed" in result.output


def test_make__inactive_recipe__refused(invoke, last_json, programme, accounts):
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=1", "--output", 3, "--inactive")
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3")
    assert result.exit_code == 1
    assert f"recipe {rid} is inactive" in result.output


def test_make__output_at_cap__refused(invoke, last_json, programme, accounts):
    nft, _ = programme
    nft.mintBatch(3, accounts[5], 2, sender=accounts[0])
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=1", "--output", 3)
    nonce = accounts[3].nonce
    result = invoke(cli, "make", "--recipe", rid, "--account", "TEST::3")
    assert result.exit_code == 1
    assert "output series 3 (Tiger) is at its cap of 2" in result.output
    assert accounts[3].nonce == nonce


def test_make__unknown_recipe__refused(invoke, programme):
    result = invoke(cli, "make", "--recipe", 7, "--account", "TEST::3", "--json")
    assert result.exit_code == 1
    assert "no recipe 7: the crafting contract has 0" in result.output


def test_recipes__no_programme_deployed__points_at_deploy(invoke, deployed):
    result = invoke(cli, "recipes")
    assert result.exit_code == 1
    assert "ape run deploy --programme" in result.output


@pytest.fixture
def signed(invoke, last_json, programme, tmp_path):
    """Recipe 1 (two Fortunes -> a Tiger) and TEST::3's signed craft of it, in a file."""
    rid = new_recipe(invoke, last_json, "--input", "series=1 count=2", "--output", 3)
    path = tmp_path / "craft.json"
    result = invoke(cli, "sign", "--recipe", rid, "--account", "TEST::3", "--out", path, "--json")
    assert result.exit_code == 0, result.output
    return path


def test_sign_relay__operator_sends__member_gets_output_and_pays_nothing(
    invoke, last_json, programme, signed, accounts
):
    nft, _ = programme
    fan_nonce = accounts[3].nonce
    result = invoke(cli, "relay", "--intent", signed, "--account", "TEST::0", "--json")
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert out["inputs"] == [1_000_001, 1_000_002]
    assert nft.ownerOf(out["output_token_id"]) == accounts[3].address
    assert _owner(nft, 1_000_001) is None
    assert accounts[3].nonce == fan_nonce


def test_relay__token_moved_since_signing__refused_nothing_sent(
    invoke, programme, signed, accounts
):
    nft, _ = programme
    nft.transferFrom(accounts[3], accounts[4], 1_000_002, sender=accounts[3])
    nonce = accounts[0].nonce
    result = invoke(cli, "relay", "--intent", signed, "--account", "TEST::0")
    assert result.exit_code == 1
    assert f"token 1000002 belongs to {accounts[4].address}" in result.output
    assert accounts[0].nonce == nonce


def test_relay__owner_changed_in_the_file__signature_refused(invoke, programme, signed, accounts):
    import json

    data = json.loads(signed.read_text())
    signed.write_text(json.dumps(data | {"owner": accounts[4].address}))
    nonce = accounts[0].nonce
    result = invoke(cli, "relay", "--intent", signed, "--account", "TEST::0")
    assert result.exit_code == 1
    assert f"not by the owner {accounts[4].address}" in result.output
    assert accounts[0].nonce == nonce


def test_relay__expired__refused(invoke, programme, signed, chain):
    chain.mine(timestamp=chain.pending_timestamp + 2 * 24 * 3600)
    result = invoke(cli, "relay", "--intent", signed, "--account", "TEST::0")
    assert result.exit_code == 1
    assert "the signed craft expired" in result.output


def _owner(nft, token):
    try:
        return nft.ownerOf(token)
    except Exception:  # noqa: BLE001 - burned: ownerOf reverts
        return None
