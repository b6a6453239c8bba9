"""Typed, frozen objects for everything a scenario declares, built from the syntax tree."""

from kdsl.model.access import ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, ServiceAccount, Subject, User
from kdsl.model.autoscaling import (HorizontalPodAutoscaler, HPABehavior, Load, ResourceMetric, ScalingPolicy,
                                    ScalingRules)
from kdsl.model.base import NamespacedObject, Object, Requirement, Selector
from kdsl.model.config import ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, StorageClass
from kdsl.model.scenario import Scenario, ScenarioError
from kdsl.model.expectations import AccessExpectation, Condition, Expectation, RouteExpectation, Timing
from kdsl.model.network import (IPBlock, Ingress, IngressPath, IngressTLS, NetworkPolicy, NetworkPolicyRule, PolicyPeer,
                                PolicyPort, Service, ServicePort)
from kdsl.model.nodes import Cluster, LimitRange, Namespace, Node, NodePool, ResourceQuota, Taint
from kdsl.model.pods import (Affinity, Behaviour, Container, EnvFrom, EnvVar, Mount, PodAffinityTerm, PodTemplate, Port,
                             Probe, Resources, SpreadConstraint, Toleration, Volume, WeightedTerm)
from kdsl.model.timeline import (AddNode, Apply, Create, Delete, NodeAction, Rollback, Rollout, Scale, SetImage,
                                 SetLoad, TimelineAction)
from kdsl.model.workloads import (ClaimTemplate, CronJob, DaemonSet, Deployment, Job, Pod, ReplicaSet,
                                  ReplicationController, StatefulSet, Strategy)

__all__ = ["AccessExpectation", "AddNode", "Affinity", "Apply", "Behaviour", "ClaimTemplate", "Cluster",
           "ClusterRole", "ClusterRoleBinding", "Condition", "ConfigMap", "Container", "Create", "CronJob",
           "DaemonSet", "Delete", "Deployment", "EnvFrom", "EnvVar", "Expectation", "HPABehavior", "HorizontalPodAutoscaler", "Ingress", "IngressPath",
           "IngressTLS", "IPBlock", "Job", "LimitRange", "Load", "Mount", "Namespace", "NamespacedObject", "NetworkPolicy", "NetworkPolicyRule", "Node", "NodeAction",
           "NodePool", "Object", "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodAffinityTerm",
           "PodTemplate", "PolicyPeer", "PolicyPort", "PolicyRule", "Port", "Probe", "ReplicaSet", "ReplicationController", "Requirement",
           "ResourceMetric", "ResourceQuota", "Resources", "Role", "RoleBinding", "Rollback", "Rollout", "RouteExpectation", "Scale", "ScalingPolicy", "ScalingRules", "Scenario",
           "ScenarioError", "Secret", "Selector", "Service", "ServiceAccount", "ServicePort", "SetImage", "SetLoad",
           "SpreadConstraint", "StatefulSet", "StorageClass", "Strategy", "Subject", "Taint", "TimelineAction",
           "Timing", "Toleration", "User", "Volume", "WeightedTerm"]
