"""``ape run deploy``: deploys once per chain, records it, grants the roles."""

from collectibles.chain.registry import Registry
from scripts.deploy import cli


def test_deploy__json__records_and_grants(
    invoke, last_json, registry_path, project, accounts, chain
):
    result = invoke(cli, "--account", "TEST::0", "--royalty-bps", 250, "--json")
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert out["deployed"] is True
    assert out["chain_id"] == chain.chain_id
    nft = project.Collectible.at(out["address"])
    assert nft.hasRole(nft.MINTER_ROLE(), accounts[0])
    assert nft.hasRole(nft.METADATA_ROLE(), accounts[0])
    assert nft.royaltyInfo(1, 10_000)[1] == 250
    recorded = Registry.load(registry_path).get(out["chain_id"], out["genesis_hash"], "Collectible")
    assert recorded.address == out["address"]


def test_deploy__rerun__nothing_sent(invoke, last_json, accounts):
    first = last_json(invoke(cli, "--account", "TEST::0", "--json"))
    nonce = accounts[0].nonce
    again = invoke(cli, "--account", "TEST::0", "--json")
    assert again.exit_code == 0, again.output
    assert last_json(again)["deployed"] is False
    assert last_json(again)["address"] == first["address"]
    assert accounts[0].nonce == nonce


def test_deploy__new__deploys_again_and_keeps_previous(invoke, last_json, registry_path):
    first = last_json(invoke(cli, "--account", "TEST::0", "--json"))
    second = last_json(invoke(cli, "--account", "TEST::0", "--new", "--json"))
    assert second["deployed"] is True
    assert second["address"] != first["address"]
    recorded = Registry.load(registry_path).get(
        second["chain_id"], second["genesis_hash"], "Collectible"
    )
    assert recorded.previous == [first["address"]]


def test_deploy__given_role_holders__granted(invoke, last_json, project, accounts):
    out = last_json(
        invoke(
            cli,
            "--account",
            "TEST::0",
            "--minter",
            accounts[1].address,
            "--curator",
            accounts[2].address,
            "--json",
        )
    )
    nft = project.Collectible.at(out["address"])
    assert nft.hasRole(nft.MINTER_ROLE(), accounts[1])
    assert nft.hasRole(nft.METADATA_ROLE(), accounts[2])
    assert not nft.hasRole(nft.MINTER_ROLE(), accounts[0])


def test_deploy__bad_address__clear_error_nothing_sent(invoke, accounts):
    nonce = accounts[0].nonce
    result = invoke(cli, "--account", "TEST::0", "--royalty-receiver", "0x1234")
    assert result.exit_code != 0
    assert "is not an address" in result.output
    assert accounts[0].nonce == nonce


def test_deploy__royalty_above_cap__refused_nothing_sent(invoke, accounts):
    nonce = accounts[0].nonce
    result = invoke(cli, "--account", "TEST::0", "--royalty-bps", 5000)
    assert result.exit_code == 1
    assert "royalty of 5000 basis points is above the cap of 1000" in result.output
    assert accounts[0].nonce == nonce


def test_deploy__other_admin_with_roles__usage_error(invoke, accounts):
    result = invoke(
        cli, "--account", "TEST::0", "--admin", accounts[1].address, "--minter", accounts[2].address
    )
    assert result.exit_code == 2
    assert "only the admin" in result.output


def test_deploy__limits__mirror_the_contract(deployed):
    from collectibles.chain.deployment import MAX_ROYALTY_BPS
    from collectibles.domain.tokens import MAX_MINT_BATCH

    assert deployed.MAX_ROYALTY_BPS() == MAX_ROYALTY_BPS
    assert deployed.MAX_MINT_BATCH() == MAX_MINT_BATCH


def test_deploy__account_from_environment__used(invoke, last_json, monkeypatch, project, accounts):
    monkeypatch.setenv("COLLECTIBLES_ACCOUNT", "TEST::2")
    monkeypatch.setenv("COLLECTIBLES_SYMBOL", "CARD")
    out = last_json(invoke(cli, "--json"))
    nft = project.Collectible.at(out["address"])
    assert nft.hasRole(nft.MINTER_ROLE(), accounts[2])
    assert nft.symbol() == "CARD"


PROGRAMME = ("CollectibleRaffle", "CollectibleCrafting", "CollectibleRedemption")


def test_deploy__programme__deploys_grants_and_records(
    invoke, last_json, registry_path, project, accounts
):
    result = invoke(cli, "--account", "TEST::0", "--programme", "--json")
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert out["programme"]["deployed"] == list(PROGRAMME)
    nft = project.Collectible.at(out["address"])
    crafting = project.CollectibleCrafting.at(out["programme"]["CollectibleCrafting"])
    redemption = project.CollectibleRedemption.at(out["programme"]["CollectibleRedemption"])
    raffle = project.CollectibleRaffle.at(out["programme"]["CollectibleRaffle"])
    assert nft.hasRole(nft.BURNER_ROLE(), crafting)
    assert nft.hasRole(nft.MINTER_ROLE(), crafting)
    assert nft.hasRole(nft.BURNER_ROLE(), redemption)
    assert crafting.hasRole(crafting.RECIPE_ROLE(), accounts[0])
    assert redemption.hasRole(redemption.CAMPAIGN_ROLE(), accounts[0])
    assert raffle.hasRole(raffle.RAFFLE_ROLE(), accounts[0])
    registry = Registry.load(registry_path)
    for name in PROGRAMME:
        recorded = registry.get(out["chain_id"], out["genesis_hash"], name)
        assert recorded.address == out["programme"][name]


def test_deploy__programme_rerun__nothing_sent(invoke, last_json, accounts):
    first = last_json(invoke(cli, "--account", "TEST::0", "--programme", "--json"))
    nonce = accounts[0].nonce
    again = invoke(cli, "--account", "TEST::0", "--programme", "--json")
    assert again.exit_code == 0, again.output
    assert last_json(again)["programme"]["deployed"] == []
    assert {n: last_json(again)["programme"][n] for n in PROGRAMME} == {
        n: first["programme"][n] for n in PROGRAMME
    }
    assert accounts[0].nonce == nonce


def test_deploy__programme_after_a_crash__sends_only_what_is_missing(
    invoke, last_json, project, accounts, monkeypatch
):
    import collectibles.chain.programme as programme

    grant = programme.grant_roles

    def crash_at_crafting(nft, contract, name, sender, operators):
        if name == "CollectibleCrafting":
            raise RuntimeError("killed")
        return grant(nft, contract, name, sender, operators)

    monkeypatch.setattr(programme, "grant_roles", crash_at_crafting)
    crashed = invoke(cli, "--account", "TEST::0", "--programme")
    assert crashed.exit_code == 1
    monkeypatch.setattr(programme, "grant_roles", grant)

    resumed = invoke(cli, "--account", "TEST::0", "--programme", "--json")
    assert resumed.exit_code == 0, resumed.output
    out = last_json(resumed)
    assert out["programme"]["deployed"] == ["CollectibleRedemption"]
    nft = project.Collectible.at(out["address"])
    assert nft.hasRole(nft.MINTER_ROLE(), out["programme"]["CollectibleCrafting"])


def test_deploy__programme_operator__gets_the_operating_roles(invoke, last_json, project, accounts):
    out = last_json(
        invoke(
            cli, "--account", "TEST::0", "--programme", "--operator", accounts[5].address, "--json"
        )
    )
    crafting = project.CollectibleCrafting.at(out["programme"]["CollectibleCrafting"])
    assert crafting.hasRole(crafting.RECIPE_ROLE(), accounts[5])
    assert not crafting.hasRole(crafting.RECIPE_ROLE(), accounts[0])


def test_deploy__operator_without_programme__usage_error(invoke, accounts):
    result = invoke(cli, "--account", "TEST::0", "--operator", accounts[5].address)
    assert result.exit_code == 2
    assert "--operator needs --programme" in result.output
