package cluster

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// Behaviours of the fake kubelet, by the case's `kubelet` lines.
const (
	Ready   = "ready"   // containers start and stay ready: phase Running
	Succeed = "succeed" // containers exit 0
	Fail    = "fail"    // containers exit 1
	Pending = "pending" // the kubelet never reports: phase stays Pending
)

// Kubelet runs the pods bound to the fake nodes: it posts their status as a kubelet would (start time, pod IP from
// the node's podCIDR, conditions, container states, phase) and finishes their deletion once they have a
// deletionTimestamp, as a kubelet does after stopping the containers.
type Kubelet struct {
	client kubernetes.Interface
	nodes  *Nodes
	pods   listersv1.PodLister
	queue  workqueue.TypedRateLimitingInterface[string]

	mu        sync.Mutex
	byDefault string
	byPrefix  map[string]string         // "<namespace>/<name prefix>" -> behaviour
	used      map[string]map[int]string // node -> host offset in its podCIDR -> pod key
}

func newKubelet(client kubernetes.Interface, nodes *Nodes) *Kubelet {
	return &Kubelet{client: client, nodes: nodes, byDefault: Ready, byPrefix: map[string]string{},
		used: map[string]map[int]string{},
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](
			20*time.Millisecond, 2*time.Second))}
}

// SetBehaviour sets the case's kubelet lines; it also forgets the pod addresses of the previous case.
func (k *Kubelet) SetBehaviour(byDefault string, byPrefix map[string]string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if byDefault == "" {
		byDefault = Ready
	}
	k.byDefault, k.byPrefix, k.used = byDefault, byPrefix, map[string]map[int]string{}
}

func (k *Kubelet) behaviour(pod *v1.Pod) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, best, out := pod.Namespace+"/"+pod.Name, -1, k.byDefault
	for prefix, b := range k.byPrefix {
		if strings.HasPrefix(key, prefix) && len(prefix) > best {
			best, out = len(prefix), b
		}
	}
	return out
}

func (k *Kubelet) start(ctx context.Context) {
	factory := informers.NewSharedInformerFactory(k.client, 0)
	inf := factory.Core().V1().Pods()
	k.pods = inf.Lister()
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			k.queue.Add(key)
		}
	}
	inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: enqueue, UpdateFunc: func(_, obj any) { enqueue(obj) }, DeleteFunc: enqueue})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	go func() {
		<-ctx.Done()
		k.queue.ShutDown()
	}()
	go func() {
		for k.next(ctx) {
		}
	}()
}

func (k *Kubelet) next(ctx context.Context) bool {
	key, quit := k.queue.Get()
	if quit {
		return false
	}
	defer k.queue.Done(key)
	if err := k.sync(ctx, key); err != nil {
		k.queue.AddRateLimited(key)
		return true
	}
	k.queue.Forget(key)
	return true
}

func (k *Kubelet) sync(ctx context.Context, key string) error {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	pod, err := k.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		k.release(key)
		return nil
	}
	if err != nil || pod.Spec.NodeName == "" || !k.nodes.Fake(pod.Spec.NodeName) {
		return err
	}
	if pod.DeletionTimestamp != nil {
		zero := int64(0)
		err := k.client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &pod.UID}})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed {
		k.release(key)
		return nil
	}
	status, ok, err := k.nextStatus(pod)
	if err != nil || !ok {
		return err
	}
	pod = pod.DeepCopy()
	pod.Status = *status
	_, err = k.client.CoreV1().Pods(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// nextStatus is the status the kubelet posts next for the pod under its behaviour, and false when it has nothing
// more to say. A pod first runs; then, under succeed/fail, its containers exit: a pod whose restartPolicy does
// not restart them ends Succeeded or Failed, the others show the container back-off once (restartCount 1).
func (k *Kubelet) nextStatus(pod *v1.Pod) (*v1.PodStatus, bool, error) {
	b := k.behaviour(pod)
	if b == Pending {
		return nil, false, nil
	}
	if pod.Status.Phase != v1.PodRunning {
		ip, err := k.allocate(pod)
		if err != nil {
			return nil, false, err
		}
		return runningStatus(pod, ip, k.hostIP(pod.Spec.NodeName)), true, nil
	}
	if b == Ready || restarted(pod) {
		return nil, false, nil
	}
	code := int32(0)
	if b == Fail {
		code = 1
	}
	restarts := pod.Spec.RestartPolicy == v1.RestartPolicyAlways ||
		(pod.Spec.RestartPolicy == v1.RestartPolicyOnFailure && code != 0)
	return exitedStatus(pod, code, restarts), true, nil
}

func restarted(pod *v1.Pod) bool {
	for _, c := range pod.Status.ContainerStatuses {
		if c.RestartCount > 0 {
			return true
		}
	}
	return false
}

func (k *Kubelet) hostIP(node string) string {
	n, err := k.client.CoreV1().Nodes().Get(context.Background(), node, metaGet)
	if err != nil {
		return ""
	}
	for _, a := range n.Status.Addresses {
		if a.Type == v1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}

// allocate gives the pod the lowest free address of its node's podCIDR after the gateway (.1), as host-local
// IPAM does (and kdsl/engine/ipam.py).
func (k *Kubelet) allocate(pod *v1.Pod) (string, error) {
	if pod.Spec.HostNetwork {
		return k.hostIP(pod.Spec.NodeName), nil
	}
	node, err := k.client.CoreV1().Nodes().Get(context.Background(), pod.Spec.NodeName, metaGet)
	if err != nil {
		return "", err
	}
	_, cidr, err := net.ParseCIDR(node.Spec.PodCIDR)
	if err != nil {
		return "", fmt.Errorf("node %s podCIDR %q: %w", node.Name, node.Spec.PodCIDR, err)
	}
	key := pod.Namespace + "/" + pod.Name
	k.mu.Lock()
	defer k.mu.Unlock()
	used := k.used[node.Name]
	if used == nil {
		used = map[int]string{}
		k.used[node.Name] = used
	}
	ones, bits := cidr.Mask.Size()
	for off := 2; off < 1<<(bits-ones)-1; off++ {
		if used[off] == key || used[off] == "" {
			used[off] = key
			ip := make(net.IP, 4)
			copy(ip, cidr.IP.To4())
			ip[2] += byte(off >> 8)
			ip[3] += byte(off & 0xff)
			return ip.String(), nil
		}
	}
	return "", fmt.Errorf("node %s: no free pod IP in %s", node.Name, cidr)
}

func (k *Kubelet) release(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, used := range k.used {
		for off, holder := range used {
			if holder == key {
				delete(used, off)
			}
		}
	}
}
