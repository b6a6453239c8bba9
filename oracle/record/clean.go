package record

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// A namespace the next case also lists is emptied (wipeNamespace) rather than deleted and made again: the
// namespace controller waits 5 s before it starts on a deleted namespace. Namespaces a case made or touched
// itself (a Namespace object in its steps or setup) are deleted for real.

// system namespaces are never emptied nor deleted: only what the case created in them is deleted.
var system = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

// prepare deletes the namespaces kept from the previous case that this case does not list.
func (r *Recorder) prepare(ctx context.Context, c Case) {
	want := map[string]bool{}
	for _, ns := range c.Namespaces {
		want[ns] = true
	}
	var drop []string
	for ns := range r.live {
		if !want[ns] && !system[ns] {
			drop = append(drop, ns)
		}
	}
	r.deleteNamespaces(ctx, drop)
}

// touchesNamespaces says whether a case writes Namespace objects itself.
func touchesNamespaces(c Case) bool {
	for _, o := range c.Setup {
		if k, _, _ := metaOf(o); k == "Namespace" {
			return true
		}
	}
	for _, s := range c.Steps {
		if k, _, _ := metaOf(s.Object); s.Kind == "Namespace" || k == "Namespace" {
			return true
		}
	}
	return false
}

// clean deletes what the case made: its cluster-scoped objects and nodes, the contents of the namespaces kept
// for the next case, the namespaces it made or touched; then waits until its objects are quiet.
func (r *Recorder) clean(ctx context.Context, c Case, sc *scope) {
	var nodes, real []string
	for _, key := range sortedKeys(sc.cluster) {
		kind, name, _ := strings.Cut(key, "/")
		if kind == "Node" {
			nodes = append(nodes, name)
		} else if res, err := r.API.resolve("", kind); err == nil {
			r.API.Do(ctx, nil, "DELETE", res.path("", name), "", nil)
		}
	}
	touched := touchesNamespaces(c)
	for _, m := range sc.made {
		if res, err := r.API.resolve("", m[0]); err == nil {
			body := []byte(`{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Background","gracePeriodSeconds":0}`)
			r.API.Do(ctx, nil, "DELETE", res.path(m[1], m[2]), "application/json", body)
			r.waitGone(ctx, m[0]+" "+m[1]+"/"+m[2], func(ctx context.Context) error {
				code, _, err := r.API.Do(ctx, nil, "GET", res.path(m[1], m[2]), "", nil)
				if err == nil && code == 404 {
					return apierrors.NewNotFound(res.gvr.GroupResource(), m[2])
				}
				return err
			})
		}
	}
	for _, ns := range sortedKeys(sc.namespaces) {
		if system[ns] {
			delete(r.live, ns)
		} else if touched || !r.live[ns] {
			real = append(real, ns)
		} else if err := r.API.wipeNamespace(ctx, ns); err != nil {
			fmt.Fprintf(os.Stderr, "kdsl-oracle: %v; deleting it\n", err)
			real = append(real, ns)
		}
	}
	r.deleteNamespaces(ctx, real)
	zero := int64(0)
	for _, name := range nodes {
		r.C.Nodes.Forget(name)
		r.C.Client.CoreV1().Nodes().Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
		r.C.Client.CoordinationV1().Leases("kube-node-lease").Delete(ctx, name, metav1.DeleteOptions{})
		r.waitGone(ctx, "node "+name, func(ctx context.Context) error {
			_, err := r.C.Client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			return err
		})
	}
	if from, err := revision(ctx, r.C.Etcd); err == nil {
		watchWrites(ctx, r.C.Etcd, from, sc, 300*time.Millisecond, 10*time.Second, nil)
	}
}

// deleteNamespaces deletes namespaces and waits until the namespace controller has removed them.
func (r *Recorder) deleteNamespaces(ctx context.Context, names []string) {
	sort.Strings(names)
	for _, ns := range names {
		err := r.C.Client.CoreV1().Namespaces().Delete(ctx, ns, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			fmt.Fprintf(os.Stderr, "kdsl-oracle: delete namespace %s: %v\n", ns, err)
		}
	}
	for _, ns := range names {
		r.waitGone(ctx, "namespace "+ns, func(ctx context.Context) error {
			_, err := r.C.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			return err
		})
		delete(r.live, ns)
	}
}

func (r *Recorder) waitGone(ctx context.Context, what string, get func(context.Context) error) {
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 3*time.Minute, true, func(ctx context.Context) (bool, error) {
		return apierrors.IsNotFound(get(ctx)), nil
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "kdsl-oracle: %s not gone: %v\n", what, err)
	}
}

// Close deletes the namespaces still kept.
func (r *Recorder) Close(ctx context.Context) {
	r.deleteNamespaces(ctx, sortedKeys(r.live))
}
