"""A Bundle is all a run needs: the scenario built from it, with every include deleted from disk, is the scenario
kdsl.load read — so a worker on another machine, without the files, plays the same runs."""

from __future__ import annotations

import pytest

import kdsl
from kdsl.core.errors import UsageError
from kdsl.sweeps import play
from kdsl.sweeps.play import Bundle

MAIN = """\
include "parts/nodes.kdsl"
param replicas = 2
namespace shop { deployment web replicas=$replicas image=nginx:1.25 }
expect deployment shop/web available=$replicas by 1m
"""
NODES = """\
include "more.kdsl"
cluster shop { nodes worker count=$workers cpu=4 memory=16Gi }
"""
MORE = "param workers = 3\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "parts").mkdir()
    main = tmp_path / "shop.kdsl"
    main.write_text(MAIN, encoding="utf-8")
    (tmp_path / "parts" / "nodes.kdsl").write_text(NODES, encoding="utf-8")
    (tmp_path / "parts" / "more.kdsl").write_text(MORE, encoding="utf-8")
    return tmp_path


@pytest.fixture(autouse=True)
def _fresh_cache():
    play._built.clear()
    yield
    play._built.clear()


def test_a_bundle_builds_the_scenario_with_its_includes_deleted(files):
    scenario = kdsl.load(files / "shop.kdsl")
    bundle = Bundle.of(scenario)
    assert bundle.name == str(files / "shop.kdsl") and bundle.text == MAIN and bundle.label == "shop.kdsl"
    assert sorted(text for text, _ in bundle.files.values()) == sorted([NODES, MORE])  # the nested include too
    for f in ("shop.kdsl", "parts/nodes.kdsl", "parts/more.kdsl"):
        (files / f).unlink()
    (files / "parts").rmdir()
    with pytest.raises(kdsl.KdslSyntaxError):
        kdsl.load(files / "shop.kdsl")  # the disk no longer has it; the bundle does
    built = play.scenario(bundle, ())
    assert built == scenario
    assert [n.name for n in built.nodes] == ["worker-1", "worker-2", "worker-3"]
    assert play.scenario(bundle, (("workers", 5), ("replicas", 4))) == kdsl.parse(
        MAIN.replace('include "parts/nodes.kdsl"', NODES.replace('include "more.kdsl"', MORE)),
        params={"workers": 5, "replicas": 4})


def test_the_digest_follows_every_text(files):
    one = Bundle.of(kdsl.load(files / "shop.kdsl")).digest
    assert Bundle.of(kdsl.load(files / "shop.kdsl")).digest == one  # the same files, the same digest
    (files / "parts" / "more.kdsl").write_text("param workers = 4\n", encoding="utf-8")
    assert Bundle.of(kdsl.load(files / "shop.kdsl")).digest != one  # an include's text is part of it
    assert Bundle.of(kdsl.parse(MAIN.replace("include \"parts/nodes.kdsl\"\n", "cluster shop { nodes w count=1 }\n"
                                             "param workers = 1\n"))).label == "<text>"


def test_a_scenario_not_read_from_text_has_no_bundle():
    import attrs

    bare = attrs.evolve(kdsl.parse("cluster c { nodes w count=1 }\n"), source_files=())
    with pytest.raises(UsageError, match="this Scenario was not read from kdsl text"):
        Bundle.of(bare)
