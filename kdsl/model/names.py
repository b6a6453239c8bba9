"""Kubernetes' rules for names, label keys and values, with apimachinery's own messages."""

from __future__ import annotations

import re

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_LABEL_1035 = r"[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = re.compile(rf"^{_LABEL}$")
_DNS1123_SUBDOMAIN = re.compile(rf"^{_SUBDOMAIN}$")
_DNS1035_LABEL = re.compile(rf"^{_LABEL_1035}$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_IANA_SVC = re.compile(r"^[-a-z0-9]+$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
# apimachinery pkg/util/rand: the alphabet of generateName suffixes leaves out vowels and look-alikes so no
# words appear (the engine draws from it; checks recognise the names it makes).
GENERATED_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

MSG_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
MSG_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
MSG_1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
            "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
MSG_QUALIFIED = ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                 "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                 "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
MSG_LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                   "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
                   "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


# MaxLenError (k8s.io/apimachinery pkg/util/validation/validation.go) says `characters` in every release kdsl
# knows (1.25 to 1.37). From 1.35 label keys (IsQualifiedName) and label values are checked by
# pkg/api/validate/content (IsLabelKey, IsLabelValue, its own IsDNS1123Subdomain for a key's prefix), whose
# MaxLenError says `bytes` (apimachinery v0.35.0 pkg/api/validate/content/errors.go).
CONTENT_BYTES = 35
DEFAULT_MINOR = 33  # a cluster's default `version` (kdsl.model.nodes.Cluster)


def _too_long(n: int, unit: str = "characters") -> str:
    return f"must be no more than {n} {unit}"


def _label_unit(minor: int) -> str:
    return "bytes" if minor >= CONTENT_BYTES else "characters"


def dns1123_label(value: str) -> list[str]:
    errs = [_too_long(63)] if len(value) > 63 else []
    if not _DNS1123_LABEL.match(value):
        errs.append(MSG_LABEL)
    return errs


def dns1123_subdomain(value: str, unit: str = "characters") -> list[str]:
    errs = [_too_long(253, unit)] if len(value) > 253 else []
    if not _DNS1123_SUBDOMAIN.match(value):
        errs.append(MSG_SUBDOMAIN)
    return errs


def dns1035_label(value: str) -> list[str]:
    errs = [_too_long(63)] if len(value) > 63 else []
    if not _DNS1035_LABEL.match(value):
        errs.append(MSG_1035)
    return errs


def label_key(key: str, minor: int = DEFAULT_MINOR) -> list[str]:
    """IsQualifiedName: an optional DNS-1123 subdomain prefix and `/`, then a name ≤ 63, worded as
    Kubernetes 1.`minor` words it."""
    unit = _label_unit(minor)
    prefix, _, name = key.rpartition("/") if "/" in key else ("", "", key)
    errs: list[str] = []
    if "/" in key and not prefix:
        errs.append("prefix part " + "must be non-empty")
    elif prefix:
        errs += ["prefix part " + e for e in dns1123_subdomain(prefix, unit)]
    if not name:
        errs.append("name part must be non-empty")
    else:
        if len(name) > 63:
            errs.append("name part " + _too_long(63, unit))
        if not _QUALIFIED_NAME.match(name):
            errs.append(MSG_QUALIFIED)
    return errs


def label_value(value: str, minor: int = DEFAULT_MINOR) -> list[str]:
    errs = [_too_long(63, _label_unit(minor))] if len(value) > 63 else []
    if value and not _QUALIFIED_NAME.match(value):
        errs.append(MSG_LABEL_VALUE)
    return errs


# A port name each rule of port_name passes, in one match: the one answer for most names.
_PORT_NAME = re.compile(r"(?=[^a-z]*[a-z])(?=.{1,15}\Z)[a-z0-9]+(?:-[a-z0-9]+)*")


def port_name(value: str) -> list[str]:
    """IsValidPortName: an IANA service name — ≤ 15, lower case, digits, '-', a letter somewhere."""
    return [] if _PORT_NAME.fullmatch(value) else _port_name_rules(value)


def _port_name_rules(value: str) -> list[str]:
    errs = []
    if len(value) > 15:
        errs.append(_too_long(15))
    if not _IANA_SVC.match(value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if not re.search("[a-z]", value):  # portNameOneLetterRegexp: a lower-case letter (so "HTTP" fails twice)
        errs.append("must contain at least one letter (a-z)")
    if value.startswith("-") or value.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def config_key(value: str) -> list[str]:
    errs = [_too_long(253)] if len(value) > 253 else []
    if not _CONFIG_KEY.match(value):
        errs.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                    "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
                    "'[-._a-zA-Z0-9]+')")
    return errs + _chdir_prefix(value)


def _chdir_prefix(value: str) -> list[str]:
    """hasChDirPrefix: no path element of its own (IsConfigMapKey, IsEnvVarName)."""
    if value in (".", ".."):
        return [f"must not be '{value}'"]
    return ["must not start with '..'"] if value.startswith("..") else []


_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
# RelaxedEnvironmentVariableValidation: beta and on by default from 1.32, GA in 1.34 (KEP-4369).
RELAXED_ENV = 32


def env_name(value: str, minor: int = DEFAULT_MINOR) -> list[str]:
    """ValidateEnv's name rule (apimachinery pkg/util/validation: IsRelaxedEnvVarName from 1.32, IsEnvVarName
    before); ValidateEnv calls an empty name Required first."""
    if minor >= RELAXED_ENV:
        if not value:
            return ["environment variable name must be non-empty"]
        if any(ord(c) > 127 or not c.isprintable() or c == "=" for c in value):
            return ["a valid environment variable name must consist only of printable ASCII characters other "
                    "than '='"]
        return []
    errs = [] if _ENV_NAME.match(value) else [
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and "
        "must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for "
        "validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"]
    return errs + _chdir_prefix(value)


def port_number(value: int) -> list[str]:
    """IsValidPortNum."""
    return [] if 1 <= value <= 65535 else ["must be between 1 and 65535, inclusive"]


# Which rule each kind's name follows (apimachinery / core validation).
NAME_RULES = {
    "Namespace": dns1123_label, "Service": dns1035_label, "Container": dns1123_label,
}


def image(value: str) -> list[str]:
    """validateContainersOnlyForPod (pkg/apis/core/validation/validation.go) refuses leading or trailing
    whitespace in a pod's images, not in a template's (a workload with one is accepted, and each pod its
    controller creates is refused); with image_reference, what a pod's image must be."""
    if value != value.strip():
        return ["must not have leading or trailing whitespace"]
    return image_reference(value)


def unreadable(value: str) -> bool:
    """A space or a control character anywhere in `value`: str.isprintable() is False for every other character
    str.isspace() holds (Unicode's separators and controls, but the ASCII space), so one pass in C decides it."""
    return " " in value or not value.isprintable()


def image_reference(value: str) -> list[str]:
    """A space or control character inside an image is no reference (distribution/reference's grammar): the
    kubelet would stop the container at InvalidImageName, so kdsl refuses it in a template too (kdsl's own)."""
    if unreadable(value.strip()):
        return ["invalid reference format: an image name has no spaces or control characters"]
    return []


RBAC_KINDS = ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
# ValidateStatefulSetName is NameIsDNSLabel from 1.27 (kubernetes PR #114172), a subdomain before.
STATEFULSET_LABEL = 27


def path_segment(name: str) -> list[str]:
    """path.IsValidPathSegmentName, which RBAC objects use (so `system:controller:x` is a valid name)."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in "/%" if c in name]


def name_rule(kind: str, minor: int = DEFAULT_MINOR):
    """The function that checks a name of the kind, as the kind's ValidateObjectMeta in Kubernetes 1.`minor`."""
    if kind in RBAC_KINDS:
        return path_segment
    if kind == "StatefulSet" and minor >= STATEFULSET_LABEL:
        return dns1123_label
    return NAME_RULES.get(kind, dns1123_subdomain)


def object_name(kind: str, name: str, minor: int = DEFAULT_MINOR) -> list[str]:
    """The name rule of the kind's ValidateObjectMeta in Kubernetes 1.`minor`."""
    return name_rule(kind, minor)(name)


# What each rule asks of many values at once, joined by newlines with one on either side (so a value's first and
# last characters follow and precede one): the characters it allows, its most characters, and what no value may
# hold at either end or around a dot. For a value without a newline these say what the rule's expression says
# (a label: not empty, [-a-z0-9], no '-' first or last; a subdomain: labels joined by dots; DNS-1035: a letter
# first); each is a scan in C, where the expression over them all backtracks at every value's end.
_JOINED = {rule: (re.compile(allowed), most, re.compile("|".join(map(re.escape, never))))
           for rule, allowed, most, never in (
    (dns1123_label, r"[-a-z0-9\n]*", 63, ("\n\n", "\n-", "-\n")),
    (dns1123_subdomain, r"[-.a-z0-9\n]*", 253, ("\n\n", "\n-", "-\n", "\n.", ".\n", "..", ".-", "-.")),
    (dns1035_label, r"[-a-z0-9\n]*", 63, ("\n\n", "\n-", "-\n", *(f"\n{d}" for d in "0123456789"))))}


def all_pass(rule, values: list[str]) -> bool:
    """Whether `rule` (dns1123_label, dns1123_subdomain or dns1035_label) finds nothing wrong with any of `values`,
    answered for them all at once (a family of alike objects' names); False also for a rule it does not know."""
    joined = _JOINED.get(rule)
    if joined is None or not values:
        return not values
    allowed, most, never = joined
    text = "\n" + "\n".join(values) + "\n"
    return text.count("\n") == len(values) + 1 and max(map(len, values)) <= most and \
        allowed.fullmatch(text) is not None and never.search(text) is None
