package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

var metaGet = metav1.GetOptions{}

// KubeletVersion is what the fake nodes report in status.nodeInfo.
const KubeletVersion = "v1.34.4"

// Nodes registers fake nodes as a kubelet would and renews their Leases so the node lifecycle controller keeps
// them Ready.
type Nodes struct {
	client kubernetes.Interface
	mu     sync.Mutex
	names  map[string]bool
}

func newNodes(client kubernetes.Interface) *Nodes {
	return &Nodes{client: client, names: map[string]bool{}}
}

// Fake says whether the node is one of ours (its pods are run by the fake kubelet).
func (n *Nodes) Fake(name string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.names[name]
}

// Names lists the registered nodes.
func (n *Nodes) Names() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := []string{}
	for k := range n.names {
		out = append(out, k)
	}
	return out
}

// Forget drops a node from the renewal set (before the harness deletes it).
func (n *Nodes) Forget(name string) {
	n.mu.Lock()
	delete(n.names, name)
	n.mu.Unlock()
}

// Register creates the Node from a case manifest with the status a kubelet posts at registration, the i-th node of
// the case getting 10.244.i.0/24 and InternalIP 192.168.0.(10+i) as kdsl gives them (kdsl/engine/ipam.py) unless
// the manifest says otherwise; Ready=True and no pressure unless the manifest's status has conditions.
func (n *Nodes) Register(ctx context.Context, manifest map[string]any, i int) error {
	raw, err := json.Marshal(manifest)
	if err != nil {
		return err
	}
	node := &v1.Node{}
	if err := json.Unmarshal(raw, node); err != nil {
		return fmt.Errorf("node manifest: %w", err)
	}
	fillNode(node, i)
	if _, err := n.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		return err
	}
	n.mu.Lock()
	n.names[node.Name] = true
	n.mu.Unlock()
	return n.renew(ctx, node.Name)
}

func fillNode(node *v1.Node, i int) {
	if node.Spec.PodCIDR == "" {
		node.Spec.PodCIDR = fmt.Sprintf("10.244.%d.0/24", i)
	}
	if len(node.Spec.PodCIDRs) == 0 {
		node.Spec.PodCIDRs = []string{node.Spec.PodCIDR}
	}
	st := &node.Status
	if len(st.Addresses) == 0 {
		ip := net.IPv4(192, 168, 0, byte(10+i)).String()
		st.Addresses = []v1.NodeAddress{{Type: v1.NodeInternalIP, Address: ip}, {Type: v1.NodeHostName, Address: node.Name}}
	}
	if st.Capacity == nil {
		st.Capacity = v1.ResourceList{}
	}
	for name, q := range map[v1.ResourceName]string{"cpu": "32", "memory": "256Gi", "pods": "110", "ephemeral-storage": "100Gi"} {
		if _, ok := st.Capacity[name]; !ok {
			st.Capacity[name] = resource.MustParse(q)
		}
	}
	if st.Allocatable == nil {
		st.Allocatable = st.Capacity.DeepCopy()
	}
	now := metav1.Now()
	if len(st.Conditions) == 0 {
		st.Conditions = []v1.NodeCondition{
			{Type: v1.NodeMemoryPressure, Status: v1.ConditionFalse, Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"},
			{Type: v1.NodeDiskPressure, Status: v1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure"},
			{Type: v1.NodePIDPressure, Status: v1.ConditionFalse, Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available"},
			{Type: v1.NodeReady, Status: v1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"},
		}
	}
	for j := range st.Conditions {
		st.Conditions[j].LastHeartbeatTime, st.Conditions[j].LastTransitionTime = now, now
	}
	st.Phase = ""
	st.DaemonEndpoints.KubeletEndpoint.Port = 10250
	info := &st.NodeInfo
	if info.KubeletVersion == "" {
		info.KubeletVersion = KubeletVersion
	}
	if info.OperatingSystem == "" {
		info.OperatingSystem, info.Architecture = "linux", "amd64"
	}
	if info.ContainerRuntimeVersion == "" {
		info.ContainerRuntimeVersion = "containerd://2.1.0"
	}
}

// renew creates or renews the node's Lease in kube-node-lease, owned by the Node as the kubelet makes it.
func (n *Nodes) renew(ctx context.Context, name string) error {
	leases := n.client.CoordinationV1().Leases(v1.NamespaceNodeLease)
	now := metav1.NewMicroTime(time.Now())
	lease, err := leases.Get(ctx, name, metaGet)
	if apierrors.IsNotFound(err) {
		node, err := n.client.CoreV1().Nodes().Get(ctx, name, metaGet)
		if err != nil {
			return err
		}
		secs := int32(40)
		lease = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: v1.NamespaceNodeLease, OwnerReferences: []metav1.OwnerReference{
				{APIVersion: "v1", Kind: "Node", Name: name, UID: node.UID}}},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: &name, LeaseDurationSeconds: &secs, RenewTime: &now},
		}
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}

// renewLoop renews every registered node's Lease every 10 s, as the kubelet does.
func (n *Nodes) renewLoop(ctx context.Context) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, name := range n.Names() {
				_ = n.renew(ctx, name)
			}
		}
	}
}
