package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/apimachinery/pkg/util/version"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	clientgofeatures "k8s.io/client-go/features"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/component-base/featuregate"
)

// Cluster is the running control plane.
type Cluster struct {
	Config   *rest.Config // the admin (system:masters)
	Client   kubernetes.Interface
	Etcd     *clientv3.Client
	Extender *Extender
	Nodes    *Nodes
	Kubelet  *Kubelet
	stops    []func()
	etcd     *embed.Etcd
	dir      string
}

// Start runs etcd, kube-apiserver, kube-scheduler (with the extender), kube-controller-manager, the lease renewer
// and the fake kubelet, all in this process, in a fresh temporary directory.
func Start(ctx context.Context) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "kdsl-oracle-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir}
	ok := false
	defer func() {
		if !ok {
			c.Stop()
		}
	}()
	t0 := time.Now()
	// kube-controller-manager turns the client-go WatchListClient gate on by default in 1.34 (its options.Flags)
	// but can no longer once the apiserver's flags hold the process-wide gate; turn it on first, for all three.
	if err := utilfeature.DefaultMutableFeatureGate.OverrideDefaultAtVersion(
		featuregate.Feature(clientgofeatures.WatchListClient), true, version.MustParse("1.34")); err != nil {
		return nil, err
	}
	var etcdURL string
	if c.etcd, etcdURL, err = startEtcd(dir); err != nil {
		return nil, err
	}
	if c.Etcd, err = clientv3.New(clientv3.Config{Endpoints: []string{etcdURL}, DialTimeout: 10 * time.Second}); err != nil {
		return nil, err
	}
	tokens, saKey, err := writeKeys(dir)
	if err != nil {
		return nil, err
	}
	if c.Config, err = startAPIServer(ctx, dir, etcdURL, tokens, saKey); err != nil {
		return nil, err
	}
	if c.Client, err = kubernetes.NewForConfig(c.Config); err != nil {
		return nil, err
	}
	kubeconfig, err := writeKubeconfig(dir, c.Config)
	if err != nil {
		return nil, err
	}
	if c.Extender, err = startExtender(); err != nil {
		return nil, err
	}
	stop, err := startScheduler(ctx, dir, kubeconfig, c.Extender.URL)
	if err != nil {
		return nil, err
	}
	c.stops = append(c.stops, stop)
	stop, err = startControllerManager(ctx, kubeconfig, saKey, filepath.Join(dir, "apiserver-certs", "apiserver.crt"))
	if err != nil {
		return nil, err
	}
	c.stops = append(c.stops, stop)
	c.Nodes = newNodes(c.Client)
	go c.Nodes.renewLoop(ctx)
	c.Kubelet = newKubelet(c.Client, c.Nodes)
	c.Kubelet.start(ctx)
	fmt.Fprintf(os.Stderr, "kdsl-oracle: control plane up in %.1f s (%s)\n", time.Since(t0).Seconds(), dir)
	ok = true
	return c, nil
}

// Stop tears everything down and removes the temporary directory.
func (c *Cluster) Stop() {
	for i := len(c.stops) - 1; i >= 0; i-- {
		c.stops[i]()
	}
	if c.Etcd != nil {
		c.Etcd.Close()
	}
	if c.etcd != nil {
		c.etcd.Close()
	}
	os.RemoveAll(c.dir)
}
