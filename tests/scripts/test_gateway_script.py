"""``ape run gateway``: load CAR files, print where each root is served, serve until interrupted."""

from collectibles.ipfs.car import write_car
from collectibles.ipfs.gateway import GatewayServer
from collectibles.ipfs.unixfs import add_tree
from scripts.gateway import cli


def test_gateway__car_folder__prints_root_urls(runner, tmp_path, monkeypatch):
    root = add_tree({"meta/1.json": b"{}", "card.png": b"\x89PNG"})
    (tmp_path / "series.car").write_bytes(write_car(root))
    served = []

    def serve_forever(self):
        served.append(self.url)
        raise KeyboardInterrupt

    monkeypatch.setattr(GatewayServer, "serve_forever", serve_forever)

    result = runner.invoke(cli, ["--car", str(tmp_path), "--port", "0"])

    assert result.exit_code == 0, result.output
    assert f"{served[0]}/ipfs/{root.cid}/" in result.output
    assert "4 blocks" in result.output


def test_gateway__not_a_car__error(runner, tmp_path):
    bad = tmp_path / "bad.car"
    bad.write_bytes(b"\x05hello")

    result = runner.invoke(cli, ["--car", str(bad), "--port", "0"])

    assert result.exit_code == 1
    assert "cannot read the CAR files" in result.output
