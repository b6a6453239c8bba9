"""ConfigMap, Secret, PV and PVC."""

CELLS = [
    ("md", """
# ConfigMap, Secret, PersistentVolume and PersistentVolumeClaim

Containers get their settings from **ConfigMaps** and their credentials from **Secrets**, as environment
variables or files. They keep data in **volumes**: a **PersistentVolumeClaim** asks for storage of a size, an
access mode and a class; it binds to a **PersistentVolume** that an administrator made or that a provisioner
creates on demand.

kdsl never shows a Secret's values: not in tables, diagrams, logs or these displays.
"""),
    ("code", "%load_ext kdsl"),
    ("code", """
%%kdsl sim --test
cluster shop {
  node worker-1 cpu=4 memory=8Gi
  node worker-2 cpu=4 memory=8Gi
  storageclass standard provisioner=dynamic binding=WaitForFirstConsumer reclaim=Delete default
  storageclass slow provisioner=none binding=Immediate
  pv archive-1 5Gi class=slow access=RWX reclaim=Retain
}

namespace shop {
  configmap web-config {
    LOG_LEVEL = "info"
    API_URL = "http://api.shop.svc:8080"
  }
  secret db-credentials {
    password = "s3cr3t"
  }

  deployment web replicas=2 {
    labels app=web
    container nginx image=nginx:1.25 {
      env API_URL from configmap web-config
      mount config at /etc/web readonly
      mount uploads at /srv/uploads
    }
    volume config configmap=web-config
    volume uploads pvc=uploads
  }
  pvc uploads 2Gi class=slow access=RWX
  service db headless selects app=db ports 5432

  statefulset db replicas=1 service=db {
    labels app=db
    container postgres image=postgres:16 port=5432 {
      env POSTGRES_PASSWORD from secret db-credentials.password
      mount data at /var/lib/postgresql/data
    }
    claim data 10Gi class=standard access=RWO
  }

  pod needs-missing {
    container app image=shop/app:1 { env TOKEN from secret api-token.token }
  }
}

run 2m

expect pvc shop/uploads bound volume=archive-1
expect pvc shop/data-db-0 bound by 30s
expect pod shop/db-0 phase=Running by 1m
expect pod shop/needs-missing reason=CreateContainerConfigError
"""),
    ("md", """
The one warning above is on purpose: `needs-missing` reads a Secret that is never declared. The API server
accepts such a pod (the Secret may come later), so kdsl warns rather than refuses.

## Claims and volumes

`uploads` asked for 2Gi of class `slow`, read-write-many: the only such volume is the administrator's 5Gi
`archive-1`, so it binds there (a claim may get more than it asked for). `data-db-0`, from the StatefulSet's
claim template, uses class `standard`, whose binding mode `WaitForFirstConsumer` waits until the scheduler has
picked a node for `db-0`; then the provisioner creates a 10Gi volume for it, which the class's reclaim policy
`Delete` will remove when the claim goes.
"""),
    ("code", "sim.storage()"),
    ("code", """
sim.expect(
    "pvc shop/uploads bound volume=archive-1 capacity=5Gi",
    "pvc shop/data-db-0 bound capacity=10Gi",
    "pv archive-1 phase=Bound claim=shop/uploads",
)
"""),
    ("md", """
## Configuration, and a missing Secret

The pod `needs-missing` reads a Secret that does not exist: the kubelet cannot build its environment, so the
pod stays `Pending` with `CreateContainerConfigError`, and the kubelet reports why in a Warning event. It
would start as soon as the Secret appeared.
"""),
    ("code", 'sim.pods(namespace="shop")'),
    ("code", """sim.events(namespace="shop").query("TYPE == 'Warning'")"""),
    ("code", """
sim.expect(
    "pod shop/needs-missing phase=Pending reason=CreateContainerConfigError",
    'events shop type=Warning reason=Failed message~"not found" object=pod/needs-missing',
)
"""),
    ("md", "The Secret as a notebook shows it — the keys, never the values:"),
    ("code", 'sim.scenario.get("Secret", "shop/db-credentials")'),
    ("md", "Pods → the ConfigMaps, Secrets and claims they use; claims → volumes:"),
    ("code", "sim.topology()"),
    ("code", "sim.explore()"),
]
