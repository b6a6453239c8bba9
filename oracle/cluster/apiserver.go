package cluster

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/keyutil"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

// adminToken authenticates the harness, the scheduler and the controller manager as a member of system:masters
// (a static token file, as kube-up once did), so no client certificates are needed.
const adminToken = "kdsl-oracle-admin-token"

// APIServerFlags are the kube-apiserver flags the harness runs with, beyond the listener, etcd, certificates and
// keys it fills in: kubeadm's authorization modes and privileged-container policy, kdsl's service range, and the
// release's default admission plugins (NamespaceLifecycle, LimitRanger, ServiceAccount, TaintNodesByCondition,
// PodSecurity, Priority, DefaultTolerationSeconds, DefaultStorageClass, StorageObjectInUseProtection, RuntimeClass,
// ..., ResourceQuota) — no --enable-admission-plugins, so exactly the defaults.
var APIServerFlags = []string{
	"--authorization-mode=Node,RBAC",
	"--allow-privileged=true",
	"--service-cluster-ip-range=10.96.0.0/12",
	"--bind-address=127.0.0.1",
}

// writeKeys writes the token file and the service-account signing key the apiserver and controller manager share.
func writeKeys(dir string) (tokens, saKey string, err error) {
	tokens = filepath.Join(dir, "tokens.csv")
	if err = os.WriteFile(tokens, []byte(adminToken+`,kdsl-oracle-admin,kdsl-oracle-admin,"system:masters"`+"\n"), 0o600); err != nil {
		return
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return
	}
	pem, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return
	}
	saKey = filepath.Join(dir, "sa.key")
	err = os.WriteFile(saKey, pem, 0o600)
	return
}

// startAPIServer runs kube-apiserver as its own command does (options, Complete, Validate, Run) and waits for
// /healthz and the default namespace. It returns the admin client config.
func startAPIServer(ctx context.Context, dir, etcdURL, tokens, saKey string) (*rest.Config, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	certDir := filepath.Join(dir, "apiserver-certs")
	args := append([]string{
		"--etcd-servers=" + etcdURL,
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + certDir,
		"--token-auth-file=" + tokens,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + saKey,
		"--service-account-signing-key-file=" + saKey,
	}, APIServerFlags...)
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range s.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("kube-apiserver flags: %w", err)
	}
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return nil, err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return nil, fmt.Errorf("kube-apiserver options: %w", err)
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return nil, fmt.Errorf("kube-apiserver options: %w", utilerrors.NewAggregate(errs))
	}
	errCh := make(chan error, 1)
	go func() { errCh <- app.Run(ctx, completed) }()

	cfg := &rest.Config{
		Host:            fmt.Sprintf("https://127.0.0.1:%d", port),
		BearerToken:     adminToken,
		TLSClientConfig: rest.TLSClientConfig{Insecure: true},
		QPS:             1000,
		Burst:           2000,
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-errCh:
			return false, fmt.Errorf("kube-apiserver stopped: %v", err)
		default:
		}
		body, err := client.CoreV1().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil || !strings.Contains(string(body), "ok") {
			return false, nil
		}
		_, err = client.CoreV1().Namespaces().Get(ctx, "default", metaGet)
		return err == nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("kube-apiserver not ready: %w", err)
	}
	return cfg, nil
}
