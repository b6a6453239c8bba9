"""`label node`, `taint node`, `untaint node` and `add node { ... }`: what they build, and what kubectl, the API
server or `kdsl check` refuse, each with its exact message, place and suggestion."""

import pytest

import kdsl
from kdsl.model.timeline import LabelNode, TaintNode, TaintRef, UntaintNode
from kdsl.model.nodes import Taint

N = "node n1\n"
KEY_MSG = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
           "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
           "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")


def test_the_actions_build_what_they_say():
    s = kdsl.parse(N + "at 1m: label node n1 zone=b disk-\n"
                       "at 2m as admin: taint node n1 dedicated=gpu:NoExecute other:noschedule\n"
                       "at 3m: untaint node n1 dedicated:NoExecute other\n")
    assert s.timeline == (
        LabelNode(at_ms=60_000, node="n1", labels=(("zone", "b"),), remove=("disk",)),
        TaintNode(at_ms=120_000, user="admin", node="n1",
                  taints=(Taint("dedicated", "gpu", "NoExecute"), Taint("other", None, "NoSchedule"))),
        UntaintNode(at_ms=180_000, node="n1", taints=(TaintRef(key="dedicated", effect="NoExecute"),
                                                        TaintRef(key="other"))))


def test_add_node_takes_the_block_of_a_node_declaration():
    s = kdsl.parse("at 4m: add node n4 cpu=4 memory=16Gi { labels zone=b; taint dedicated=gpu:NoSchedule }\n")
    node = s.timeline[0].node
    declared = kdsl.parse("node n4 cpu=4 memory=16Gi { labels zone=b; taint dedicated=gpu:NoSchedule }\n").nodes[0]
    assert node == declared
    assert dict(node.labels)["zone"] == "b" and node.taints == (Taint("dedicated", "gpu", "NoSchedule"),)


# (id, text after `node n1`, message, line, column, suggestion): the case's only diagnostic, an error.
CASES = [
    ("label-nothing", "at 1m: label node n1",
     "label node n1: at least one label update is required, e.g. `label node n1 zone=b disk-`", 2, 8, None),
    ("label-a-bare-word", "at 1m: label node n1 zone",
     "label node n1: unknown label spec: zone", 2, 22, "`zone=VALUE` to set it, `zone-` to remove it"),
    ("label-set-and-remove", "at 1m: label node n1 zone=a zone-",
     "label node n1: can not both modify and remove a label in the same command (zone)", 2, 8, None),
    ("label-a-bad-key", 'at 1m: label node n1 "a b"=c',
     f'label node n1: metadata.labels: Invalid value: "a b": {KEY_MSG}', 2, 22, None),
    ("label-a-bad-value", "at 1m: label node n1 zone=-a",
     'label node n1: metadata.labels: Invalid value: "-a": a valid label must be an empty string or consist of '
     "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
     "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
     "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", 2, 27, None),
    ("taint-a-bad-effect", "at 1m: taint node n1 dedicated=gpu:NoSchedul",
     "taint node n1: invalid taint effect: NoSchedul, unsupported taint effect", 2, 36, "`NoSchedule`"),
    ("taint-without-effect", "at 1m: taint node n1 dedicated=gpu",
     "taint node n1: invalid taint spec: dedicated=gpu (a taint needs an effect: "
     "`key[=value]:NoSchedule|PreferNoSchedule|NoExecute`)", 2, 22, None),
    ("taint-a-bad-key", "at 1m: taint node n1 a_:NoSchedule",
     f"taint node n1: invalid taint spec: a_:NoSchedule, {KEY_MSG}", 2, 22, None),
    ("taint-twice-the-same", "at 1m: taint node n1 a:NoSchedule a=b:NoSchedule",
     "taint node n1: duplicated taints with the same key and effect: a:NoSchedule", 2, 35, None),
    ("untaint-with-a-value", "at 1m: taint node n1 a=b:NoSchedule\nat 2m: untaint node n1 a=b:NoSchedule",
     "untaint node n1: a taint is removed by its key and effect; its value is not part of it", 3, 24,
     "`a:NoSchedule`"),
    ("untaint-a-bad-effect", "at 1m: untaint node n1 a:Never",
     "untaint node n1: invalid taint effect: Never, unsupported taint effect", 2, 26, None),
    # kdsl check: the node must stand, and a taint to remove must be there
    ("label-a-node-nothing-declares", "at 1m: label node n11 a=b", 'nodes "n11" not found', 2, 8,
     "`label node n1`"),
    ("taint-a-deleted-node", "at 1m: delete node n1\nat 2m: taint node n1 a:NoSchedule",
     'nodes "n1" not found (deleted at 1m, line 2)', 3, 8, None),
    ("untaint-what-is-not-there", "at 1m: taint node n1 a:NoSchedule\nat 2m: untaint node n1 a:NoExecute",
     'untaint node n1: taint "a:NoExecute" not found (its taints then: a:NoSchedule)', 3, 8, None),
    ("untaint-before-the-taint", "at 2m: taint node n1 a:NoExecute\nat 1m: untaint node n1 a",
     'untaint node n1: taint "a:" not found (its taints then: none)', 3, 8, None),
]


@pytest.mark.parametrize("text,message,line,column,suggestion", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_node_op_error(text, message, line, column, suggestion):
    with pytest.raises(kdsl.ScenarioError) as info:
        kdsl.parse(N + text, "t.kdsl")
    assert [(d.severity, d.message, d.line, d.column, d.suggestion) for d in info.value.diagnostics] == \
        [("error", message, line, column, suggestion)]


VALID = [
    ("untaint-a-declared-taint", "node n2 { taint a:NoSchedule }\nat 1m: untaint node n2 a"),
    ("untaint-an-earlier-taint", "at 1m: taint node n1 a=b:NoExecute\nat 2m: untaint node n1 a:NoExecute"),
    ("untaint-a-control-plane-taint", "at 1m: fail node n1\nat 2m: untaint node n1 node.kubernetes.io/unreachable"),
    ("label-an-added-node", "at 1m: add node n9 { labels zone=a }\nat 2m: label node n9 zone=b"),
    # the placement check sees the node in every state the timeline puts it in
    ("a-node-selector-a-later-label-matches", "pod p image=nginx { node-selector role=edge }\n"
                                              "at 1m: label node n1 role=edge"),
    ("a-taint-a-later-untaint-lifts", "node n2 { taint a:NoSchedule }\npod p image=nginx { node-selector "
                                      "kubernetes.io/hostname=n2 }\nat 1m: untaint node n2 a"),
    ("untaint-what-an-added-node-declares", "at 1m: add node n9 { taint x:NoExecute }\nat 2m: untaint node n9 x"),
]


@pytest.mark.parametrize("text", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_node_op_valid(text):
    s = kdsl.parse(N + text, "t.kdsl")
    assert not s.warnings
