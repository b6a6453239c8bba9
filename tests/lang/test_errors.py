"""Syntax errors: text that does not follow the grammar, each with its exact message, place and hint.

Every case is one malformed input; the parser stops at the first error, so each raises a
KdslSyntaxError with exactly one diagnostic: `file:line:col: error: message`, the line, a caret,
what was expected (in plain words) and, for a near miss, the word that was probably meant.
"""

import pytest

import kdsl
from kdsl.core.errors import Diagnostic

# The keywords a statement may start with, as the message lists them (the first ten, then a count).
TOP = ("`at`", "`cluster`", "`clusterrole`", "`clusterrolebinding`", "`configmap`", "`cronjob`", "`daemonset`",
       "`deployment`", "`expect`", "`hpa`", "one of 26 other keywords", "the end of the file",
       "the end of the statement")
POD_BLOCK = ("`affinity`", "`annotations`", "`anti-affinity`", "`claim`", "`container`", "`gate`", "`grace`",
             "`init`", "`labels`", "`node-selector`", "one of 10 other keywords", "`}`", "the end of the statement")
CONTAINER_BLOCK = ("`args`", "`command`", "`crash`", "`env`", "`exit`", "`hang`", "`limits`", "`liveness`", "`mount`",
                   "`oom`", "one of 11 other keywords", "`}`", "the end of the statement")
UNTERMINATED = ('a closing `"` on the same line (or `"""` for a string of several lines)',)

# (id, text, message, line, column, suggestion, expected); expected None means "not asserted".
CASES = [
    # misspelt keywords: the nearest keyword the parser could take there
    ("misspelt-top-keyword", "deploymnet web replicas=3 image=nginx:1.25",
     "unknown keyword `deploymnet`", 1, 1, "`deployment`", TOP),
    ("misspelt-namespace", "namespce shop",
     "unknown keyword `namespce`", 1, 1, "`namespace`", TOP),
    ("misspelt-service", "servce web selects app=web ports 80",
     "unknown keyword `servce`", 1, 1, "`service`", TOP),
    ("misspelt-after-indent", "   \tdeploymnet web",
     "unknown keyword `deploymnet`", 1, 5, "`deployment`", TOP),
    ("misspelt-in-pod-block", "deployment web image=nginx {\n  contaner c image=nginx\n}",
     "unknown keyword `contaner`", 2, 3, "`container`", POD_BLOCK),
    ("misspelt-in-container-block",
     "deployment web image=nginx {\n  container c image=nginx {\n    readyness http / port=80\n  }\n}",
     "unknown keyword `readyness`", 3, 5, "`readiness`", CONTAINER_BLOCK),
    ("misspelt-env-source",
     "deployment web image=nginx {\n  container c image=nginx {\n    env A from configmp web-config\n  }\n}",
     "unknown keyword `configmp`", 3, 16, "`configmap`", ("`configmap`", "`secret`")),
    # strings
    ("unterminated-string", 'deployment web image="nginx',
     "unterminated string", 1, 22, None, UNTERMINATED),
    ("unterminated-string-in-block", 'configmap web-config {\n  LOG_LEVEL = "info\n}',
     "unterminated string", 2, 15, None, UNTERMINATED),
    ("string-for-a-name", "include base.kdsl",
     "unexpected `base.kdsl`", 1, 9, None, ("a string",)),
    ("include-without-file", "include",
     "unexpected end of line", 1, 8, None, ("a string",)),
    # blocks
    ("unclosed-block", "deployment web image=nginx {\n  labels app=web\n",
     "the block opened at line 1, column 28 is not closed: the file ends before its `}`", 1, 28, None, ("`}`",)),
    ("unclosed-inner-block", "deployment web image=nginx {\n  container c image=nginx {\n    port 80\n}",
     "the block opened at line 1, column 28 is not closed: the file ends before its `}`", 1, 28, None, ("`}`",)),
    ("unexpected-close-at-top", "}",
     "unexpected `}`", 1, 1, None, TOP),
    ("unexpected-close-after-head", "deployment web image=nginx }",
     "unexpected `}`", 1, 28, None, ("the end of the file", "the end of the statement")),
    ("one-close-too-many", "deployment web image=nginx {\n  labels app=web\n}}",
     "unexpected `}`", 3, 2, None, ("the end of the file", "the end of the statement")),
    ("statement-in-wrong-block", "cluster demo { namespace shop }",
     "unexpected `namespace`", 1, 16, None,
     ("`annotations`", "`labels`", "`node`", "`nodes`", "`pv`", "`storageclass`", "`yaml`", "`}`",
      "the end of the statement")),
    ("block-statement-at-top", "labels app=web",
     "unexpected `labels`", 1, 1, None, TOP),
    # heads and attributes
    ("attribute-without-value", "deployment web image=nginx replicas=",
     "unexpected end of line", 1, 37, None, ("a name or value", "a string")),
    ("statement-without-name", "deployment",
     "unexpected end of line", 1, 11, None, ("a name or value",)),
    ("equals-without-key", "deployment web = 3",
     "unexpected `=`", 1, 16, None, None),
    ("parenthesis-in-head", "deployment web image=nginx (a)",
     "unexpected `(`", 1, 28, None, None),
    # the fixed words of a statement
    ("timeline-without-colon", "at 30s fail node worker-1",
     "unexpected `fail`", 1, 8, None, ("`as`", "`:`")),
    ("unknown-timeline-action", "at 30s: explode node worker-1",
     "unexpected `explode`", 1, 9, None,
     ("`add`", "`apply`", "`cordon`", "`create`", "`delete`", "`drain`", "`evict`", "`fail`", "`label`",
      "`load`", "one of 9 other keywords")),
    ("access-expectation-verb", "expect as alice: may create pods in shop",
     "unexpected `may`", 1, 18, None, ("`can`", "`cannot`")),
    ("allow-without-on", "role developer { allow get,list pods }",
     "unexpected `pods`", 1, 33, None, ("`on`",)),
    ("binding-without-to", "rolebinding devs role=developer user:alice",
     "unexpected end of line", 1, 43, None, ("`to`",)),
    ("mount-without-at", "deployment web image=nginx {\n  container c image=nginx {\n    mount data /x\n  }\n}",
     "unexpected `/x`", 3, 16, None, ("`at`",)),
    ("fault-without-after", "deployment web image=nginx {\n  container c image=nginx {\n    crash at 5s\n  }\n}",
     "unexpected `at`", 3, 11, None, ("`after`",)),
    ("env-without-value", "deployment web image=nginx {\n  container c image=nginx {\n    env LOG_LEVEL\n  }\n}",
     "unexpected end of line", 3, 18, None, ("`from`", "`=`")),
]


@pytest.mark.parametrize("text,message,line,column,suggestion,expected",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_syntax_error(text, message, line, column, suggestion, expected):
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse(text, "t.kdsl")
    assert type(info.value) is kdsl.KdslSyntaxError
    (d,) = info.value.diagnostics
    assert (d.severity, d.message, d.file, d.line, d.column) == ("error", message, "t.kdsl", line, column)
    assert d.suggestion == suggestion
    if expected is not None:
        assert d.expected == expected
    assert d.line_text == text.split("\n")[line - 1]


def test_syntax_error_is_formatted_like_a_compiler_message():
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse("# the shop\n\ndeploymnet shop/web replicas=3 image=nginx:1.25\n", "shop.kdsl")
    assert str(info.value) == (
        "shop.kdsl:3:1: error: unknown keyword `deploymnet`\n"
        "    deploymnet shop/web replicas=3 image=nginx:1.25\n"
        "    ^~~~~~~~~~\n"
        "  expected `at`, `cluster`, `clusterrole`, `clusterrolebinding`, `configmap`, `cronjob`, `daemonset`, "
        "`deployment`, `expect`, `hpa`, one of 26 other keywords, the end of the file or the end of the "
        "statement\n"
        "  did you mean `deployment`?")


def test_unterminated_string_caret_points_at_the_quote():
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse('deployment web image="nginx', "t.kdsl")
    assert info.value.diagnostics[0].format().split("\n")[:3] == [
        "t.kdsl:1:22: error: unterminated string",
        '    deployment web image="nginx',
        "                         ^",
    ]


def test_text_without_a_file_name_is_called_text():
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse("}")
    assert info.value.diagnostics[0].format().startswith("<text>:1:1: error: unexpected `}`")


def test_a_syntax_error_is_a_kdsl_error_and_not_a_scenario_error():
    with pytest.raises(kdsl.KdslError) as info:
        kdsl.parse("deploymnet web")
    assert not isinstance(info.value, kdsl.ScenarioError)
    assert info.value.errors == info.value.diagnostics and info.value.warnings == ()


def test_a_diagnostic_without_a_place_formats_without_a_caret():
    d = Diagnostic("error", "cannot read x.kdsl: No such file or directory", "x.kdsl")
    assert d.format() == "x.kdsl: error: cannot read x.kdsl: No such file or directory"


@pytest.mark.parametrize(("text", "message", "line", "column", "width"), [
    ('"str"\n', 'unexpected string "str"', 1, 1, 5),
    ("labels a=b\n", "unexpected `labels`", 1, 1, 6),
    ('configmap a {\n  annotations note="""a\nb"""\n}\n', None, None, None, None),  # a triple string after `=`
    ("\ufeffnamespace x\n", None, None, None, None),  # a byte-order mark is not part of the text
])
def test_parser_messages(text, message, line, column, width):
    if message is None:
        kdsl.parse(text, "t.kdsl")
        return
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse(text, "t.kdsl")
    (d,) = info.value.diagnostics
    assert (d.message, d.line, d.column, d.width) == (message, line, column, width)


def test_no_closing_brace_is_expected_outside_every_block():
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse("namespace shop\ndeploymnet x\n", "t.kdsl")
    assert "`}`" not in info.value.diagnostics[0].expected


# A syntax error stops the parse before any Secret is built, so its values are told apart by tokens alone.
HIDDEN = "abc-5ec12e7"


@pytest.mark.parametrize(("text", "line", "quoted", "message"), [
    (f'secret s {{ password = "{HIDDEN}" oops }}', 1, 'secret s { password = ************* oops }',
     "unexpected `oops`"),
    (f'secret s {{\n  password = "{HIDDEN}" oops\n}}', 2, '  password = ************* oops', "unexpected `oops`"),
    (f'secret s {{ pin = {HIDDEN} oops }}', 1, 'secret s { pin = *********** oops }', "unexpected `oops`"),
    (f'secret s {{ a = "{HIDDEN}" "{HIDDEN}" }}', 1, 'secret s { a = ************* ************* }',
     'unexpected string *************'),
    ('secret s { a = "x" "y" }', 1, 'secret s { a = *** *** }', "unexpected string ***"),  # short values too
    (f'secret s {{ password = "{HIDDEN}', 1, 'secret s { password = ************', "unterminated string"),
    (f'secret s {{ yaml """\nstringData: {{a: {HIDDEN}}}\n""" oops }}', 3, '*** oops }', "unexpected `oops`"),
    (f'at 5s: create secret s {{ k = "{HIDDEN}" }} oops', 1, 'at 5s: create secret s { k = ************* } oops',
     "unexpected `oops`"),
    (f'namespace shop\nat 5s: apply {{ secret shop/s {{ k = "{HIDDEN}" }}; oops }}', 2,
     'at 5s: apply { secret shop/s { k = ************* }; oops }', "unexpected `oops`"),
])
def test_a_syntax_error_on_a_secret_line_masks_the_value(text, line, quoted, message):
    with pytest.raises(kdsl.KdslSyntaxError) as info:
        kdsl.parse(text, "t.kdsl")
    (d,) = info.value.diagnostics
    assert (d.line, d.line_text.rstrip("\n"), d.message) == (line, quoted, message)
    assert HIDDEN not in str(info.value)


@pytest.mark.parametrize("text", ['configmap c { k = "shown-value" oops }',
                                  'pod p { container c image=x { env X from secret s.k oops "shown-value" } }',
                                  'secret s { k = "x" }\nconfigmap c { k = "shown-value" oops }'])
def test_a_syntax_error_outside_a_secret_still_quotes_its_line(text):
    with pytest.raises(kdsl.KdslError) as info:
        kdsl.parse(text, "t.kdsl")
    assert "shown-value" in str(info.value)
