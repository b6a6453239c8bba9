"""The service accounts controller: every active namespace has a `default` ServiceAccount."""

from __future__ import annotations

from kdsl.engine.controllers.namespace import NamespaceKeeper
from kdsl.engine.objects import ApiObject
from kdsl.model.access import ServiceAccount

DEFAULT = "default"  # DefaultServiceAccountsControllerOptions: the one account ensured in every namespace


class ServiceAccountsController(NamespaceKeeper):
    """pkg/controller/serviceaccount/serviceaccounts_controller.go syncNamespace: a namespace added or updated,
    or its `default` account deleted, is synced; an Active namespace without the account gets it, created as
    system:serviceaccount:kube-system:service-account-controller."""

    name = "service-account-controller"
    kept_kind = "ServiceAccount"
    kept = DEFAULT

    def keep(self, ns: str) -> None:
        """syncNamespace for an Active namespace (NamespaceKeeper.reconcile skips the others)."""
        if self.store.get("ServiceAccount", ns, DEFAULT) is not None:
            return  # it has its account already
        account = ServiceAccount(name=DEFAULT, namespace=ns)
        self.client.create(ApiObject(kind="ServiceAccount", meta=self.new_meta(ns), spec=account))
        # a refusal (a quota on serviceaccounts) is retried upstream with back-off; kdsl tries again when the
        # namespace changes or the account is deleted (docs/jobs.md)
