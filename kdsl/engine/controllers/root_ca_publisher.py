"""The root CA certificate publisher: every namespace has the `kube-root-ca.crt` ConfigMap."""

from __future__ import annotations

import base64
import textwrap

import attrs

from kdsl.engine.controllers.namespace import NamespaceKeeper, namespace_phase
from kdsl.engine.objects import ApiObject
from kdsl.model.config import ConfigMap

NAME = "kube-root-ca.crt"  # RootCACertConfigMapName
DESCRIPTION_ANNOTATION = "kubernetes.io/description"
DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
               "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
               "distributions of Kubernetes clusters.")
# kdsl's cluster has no CA: `ca.crt` holds a PEM-shaped placeholder, the same in every run, whose base64 body
# decodes to this sentence (no key, no certificate; docs/jobs.md).
_BODY = base64.b64encode(b"kdsl simulated cluster: a placeholder where the cluster CA certificate would be. "
                         b"It is not a certificate.").decode()
CA_CRT = "-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(_BODY, 64)) + "\n-----END CERTIFICATE-----\n"
DATA = (("ca.crt", CA_CRT),)
ANNOTATIONS = ((DESCRIPTION_ANNOTATION, DESCRIPTION),)


class RootCACertPublisher(NamespaceKeeper):
    """pkg/controller/certificates/rootcacertpublisher/publisher.go syncNamespace: a namespace added (or updated
    while Active), or its `kube-root-ca.crt` deleted or changed, is synced; a missing ConfigMap is created with
    the CA bundle and its description annotation, and one whose data or annotation differ is put back, as
    system:serviceaccount:kube-system:root-ca-cert-publisher."""

    name = "root-ca-cert-publisher"
    kept_kind = "ConfigMap"
    kept = NAME

    def on_namespace(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if new is not None and (old is None or namespace_phase(self.store, new.name) == "Active"):
            self.enqueue(new.key)

    def on_kept(self, op: str, old: ApiObject | None, new: ApiObject | None) -> None:
        if old is not None and old.name == NAME:  # deleted or updated: configMapDeleted, configMapUpdated
            self.enqueue(("Namespace", None, old.namespace))

    def keep(self, ns: str) -> None:
        """syncNamespace for an Active namespace (NamespaceKeeper.reconcile skips the others)."""
        cm = self.store.get("ConfigMap", ns, NAME)
        if cm is None:
            spec = ConfigMap(name=NAME, namespace=ns, annotations=ANNOTATIONS, data=DATA)
            self.client.create(ApiObject(kind="ConfigMap", meta=self.new_meta(ns, ANNOTATIONS), spec=spec))
            return  # created (or refused, by a quota on configmaps: tried again when the namespace changes)
        annotations = dict(cm.meta.annotations)
        if cm.spec.data == DATA and annotations.get(DESCRIPTION_ANNOTATION):
            return  # as published
        annotations[DESCRIPTION_ANNOTATION] = DESCRIPTION
        kept = tuple(sorted(annotations.items()))
        self.client.update(attrs.evolve(cm, meta=attrs.evolve(cm.meta, annotations=kept),
                                        spec=attrs.evolve(cm.spec, data=DATA, annotations=kept)))
        # the data and the description put back; a refused update waits for the next change, as above
