"""Controllers: level-triggered, one file each, woken by store changes, acting through the API."""

from __future__ import annotations

from kdsl.engine.controllers.cronjob import CronJobController
from kdsl.engine.controllers.daemonset import DaemonSetController
from kdsl.engine.controllers.deployment import DeploymentController
from kdsl.engine.controllers.disruption import DisruptionController
from kdsl.engine.controllers.endpointslice import EndpointSliceController
from kdsl.engine.controllers.ingress import IngressController
from kdsl.engine.controllers.provisioner import VolumeProvisioner
from kdsl.engine.controllers.pv_binder import PersistentVolumeBinder
from kdsl.engine.controllers.pv_protection import PVProtectionController
from kdsl.engine.controllers.pvc_protection import PVCProtectionController
from kdsl.engine.controllers.garbage_collector import GarbageCollector
from kdsl.engine.controllers.horizontal import HorizontalController
from kdsl.engine.controllers.job import JobController
from kdsl.engine.controllers.namespace import NamespaceController
from kdsl.engine.controllers.podgc import PodGCController
from kdsl.engine.controllers.replicaset import ReplicaSetController, ReplicationControllerController
from kdsl.engine.controllers.resourcequota import ResourceQuotaController
from kdsl.engine.controllers.root_ca_publisher import RootCACertPublisher
from kdsl.engine.controllers.serviceaccounts import ServiceAccountsController
from kdsl.engine.controllers.statefulset import StatefulSetController

# Each entry is a Controller subclass; the order is the order they are built and woken in at one moment.
CONTROLLERS: tuple = (
    DeploymentController,
    ReplicaSetController,
    ReplicationControllerController,
    StatefulSetController,
    DaemonSetController,
    PersistentVolumeBinder,
    VolumeProvisioner,
    PVCProtectionController,
    PVProtectionController,
    JobController,
    CronJobController,
    GarbageCollector,
    NamespaceController,
    ServiceAccountsController,
    RootCACertPublisher,
    EndpointSliceController,
    IngressController,
    DisruptionController,
    HorizontalController,
    ResourceQuotaController,
    PodGCController,
)
