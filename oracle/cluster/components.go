package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	kcmtesting "k8s.io/kubernetes/cmd/kube-controller-manager/app/testing"
	schedtesting "k8s.io/kubernetes/cmd/kube-scheduler/app/testing"
)

// ControllerManagerFlags are the kube-controller-manager flags beyond its kubeconfig and keys: every controller
// the release enables by default, no leader election (one instance), shared credentials.
var ControllerManagerFlags = []string{
	"--controllers=*",
	"--leader-elect=false",
	"--use-service-account-credentials=false",
}

// writeKubeconfig writes the admin kubeconfig the scheduler and controller manager connect with.
func writeKubeconfig(dir string, cfg *rest.Config) (string, error) {
	path := filepath.Join(dir, "admin.kubeconfig")
	kc := clientcmdapi.NewConfig()
	kc.Clusters["oracle"] = &clientcmdapi.Cluster{Server: cfg.Host, InsecureSkipTLSVerify: true}
	kc.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: cfg.BearerToken}
	kc.Contexts["oracle"] = &clientcmdapi.Context{Cluster: "oracle", AuthInfo: "admin"}
	kc.CurrentContext = "oracle"
	return path, clientcmd.WriteToFile(*kc, path)
}

// schedulerConfig is the KubeSchedulerConfiguration: the default profile, no leader election, and the harness's
// extender whose filter verb sees exactly the nodes that passed the in-tree filters. It is nodeCacheCapable: it
// gets and gives back node names, so kube-scheduler scores its own NodeInfos; given Node objects back, it would
// wrap them in new NodeInfos without pods (HTTPExtender.Filter, pkg/scheduler/extender.go) and score every node
// as if empty (the recordings of v1.34.4 were made so: tests/oracle/normalise_steps.py TIED_NODES).
const schedulerConfig = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: %q
leaderElection:
  leaderElect: false
extenders:
- urlPrefix: %q
  filterVerb: filter
  enableHTTPS: false
  nodeCacheCapable: true
  ignorable: false
`

func startScheduler(ctx context.Context, dir, kubeconfig, extenderURL string) (func(), error) {
	path := filepath.Join(dir, "scheduler.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(schedulerConfig, kubeconfig, extenderURL)), 0o600); err != nil {
		return nil, err
	}
	ts, err := schedtesting.StartTestServer(ctx, []string{
		"--config=" + path,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
	})
	if err != nil {
		return nil, fmt.Errorf("kube-scheduler: %w", err)
	}
	return ts.TearDownFn, nil
}

func startControllerManager(ctx context.Context, kubeconfig, saKey, rootCA string) (func(), error) {
	args := append([]string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--service-account-private-key-file=" + saKey,
		"--root-ca-file=" + rootCA,
	}, ControllerManagerFlags...)
	ts, err := kcmtesting.StartTestServer(ctx, args)
	if err != nil {
		return nil, fmt.Errorf("kube-controller-manager: %w", err)
	}
	return ts.TearDownFn, nil
}
