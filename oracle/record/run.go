package record

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"kdsl.dev/oracle/cluster"
)

// Recorder runs cases one after another on one control plane; each case gets fresh namespaces and nodes, and
// everything it made is deleted (and gone) before the next starts.
type Recorder struct {
	C    *cluster.Cluster
	API  *API
	live map[string]bool // namespaces kept from the previous case, emptied
}

// Run runs one case and returns what the control plane answered.
func (r *Recorder) Run(ctx context.Context, c Case) CaseResult {
	res := CaseResult{SetupErrors: []string{}, Steps: []any{}}
	r.C.Extender.Reset()
	if c.Kubelet != nil {
		r.C.Kubelet.SetBehaviour(c.Kubelet.Default, c.Kubelet.Pods)
	} else {
		r.C.Kubelet.SetBehaviour("", nil)
	}
	if r.live == nil {
		r.live = map[string]bool{}
	}
	r.prepare(ctx, c)
	sc := &scope{namespaces: map[string]bool{}, cluster: map[string]bool{}}
	defer r.clean(ctx, c, sc)
	for _, ns := range c.Namespaces {
		sc.namespaces[ns] = true
		if err := r.namespace(ctx, ns); err != nil {
			res.SetupErrors = append(res.SetupErrors, fmt.Sprintf("namespace %s: %v", ns, err))
		}
		r.live[ns] = true
	}
	for i, n := range c.Nodes {
		_, _, name := metaOf(n)
		sc.cluster["Node/"+name] = true
		if err := r.C.Nodes.Register(ctx, n, i); err != nil {
			res.SetupErrors = append(res.SetupErrors, fmt.Sprintf("node %s: %v", name, err))
		}
	}
	for _, obj := range c.Setup {
		if msg := r.create(ctx, obj, sc); msg != "" {
			res.SetupErrors = append(res.SetupErrors, msg)
		}
	}
	cursor, err := revision(ctx, r.C.Etcd)
	if err != nil {
		res.SetupErrors = append(res.SetupErrors, err.Error())
		return res
	}
	if len(c.Nodes)+len(c.Setup) > 0 { // let the setup settle, unrecorded
		_, _, cursor = watchWrites(ctx, r.C.Etcd, cursor, sc, time.Second, 30*time.Second, nil)
		r.C.Extender.Reset()
	}
	for _, s := range c.Steps {
		var out any
		switch s.Op {
		case "sar":
			out, err = sar(ctx, r.C.Client, s)
		case "settle":
			out, cursor = r.settle(ctx, s, sc, cursor)
		default:
			var m map[string]any
			m, _, err = request(ctx, r.API, s)
			if err == nil {
				r.track(m, s, sc)
			}
			out = m
		}
		if err != nil {
			out, err = map[string]any{"error": err.Error()}, nil
		}
		res.Steps = append(res.Steps, out)
	}
	return res
}

// track notes the namespaces and cluster-scoped objects a step made, and what it made in a system namespace,
// for cleaning.
func (r *Recorder) track(m map[string]any, s Step, sc *scope) {
	obj, _ := m["object"].(map[string]any)
	if obj == nil || (s.Op != "create" && s.Op != "update") {
		return
	}
	kind, ns, name := metaOf(obj)
	if kind == "Namespace" {
		sc.namespaces[name] = true
	} else if system[ns] {
		sc.made = append(sc.made, [3]string{kind, ns, name})
	} else if ns == "" && kind != "" {
		sc.cluster[kind+"/"+name] = true
	}
}

// create makes one setup object as the admin; it returns a located message when the server refused it.
func (r *Recorder) create(ctx context.Context, obj map[string]any, sc *scope) string {
	kind, ns, name := metaOf(obj)
	m, _, err := request(ctx, r.API, Step{Op: "create", Object: obj})
	// The Priority admission plugin finds a PriorityClass through its informer's lister
	// (plugin/pkg/admission/priority/admission.go), which may not yet hold the class the setup created just
	// before: the refusal is then the cache's lag, not the case's answer, and the create is tried again.
	for try := 0; err == nil && try < 50 && lagging(m); try++ {
		time.Sleep(100 * time.Millisecond)
		m, _, err = request(ctx, r.API, Step{Op: "create", Object: obj})
	}
	if err != nil {
		return fmt.Sprintf("%s %s/%s: %v", kind, ns, name, err)
	}
	if code, _ := m["code"].(int); code >= 300 {
		return fmt.Sprintf("%s %s/%s: %d %v: %v", kind, ns, name, code, m["reason"], m["message"])
	}
	r.track(m, Step{Op: "create"}, sc)
	return ""
}

// lagging: a refusal that names a PriorityClass admission's informer has not seen yet.
func lagging(m map[string]any) bool {
	code, _ := m["code"].(int)
	msg, _ := m["message"].(string)
	return code == 403 && strings.Contains(msg, "no PriorityClass with name")
}

func (r *Recorder) namespace(ctx context.Context, name string) error {
	_, err := r.C.Client.CoreV1().Namespaces().Create(ctx, &v1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}},
		metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	// pods cannot be created before the ServiceAccount admission plugin finds the default account
	return wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		if _, err := r.C.Client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{}); err != nil {
			return false, nil
		}
		// and the root CA ConfigMap every namespace gets, so its write is not taken for a step's consequence
		_, err := r.C.Client.CoreV1().ConfigMaps(name).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		return err == nil, nil
	})
}

func (r *Recorder) settle(ctx context.Context, s Step, sc *scope, cursor int64) (map[string]any, int64) {
	quiet, timeout := 2*time.Second, 60*time.Second
	if s.QuietS > 0 {
		quiet = time.Duration(s.QuietS * float64(time.Second))
	}
	if s.TimeoutS > 0 {
		timeout = time.Duration(s.TimeoutS * float64(time.Second))
	}
	writes, events, last := watchWrites(ctx, r.C.Etcd, cursor, sc, quiet, timeout, r.terminating(sc))
	sched, err := r.scheduling(ctx, writes, events)
	out := map[string]any{"writes": writes, "events": events, "scheduling": sched}
	if err != nil {
		out["error"] = err.Error()
	}
	return out, last
}

// scheduling describes every pod the scheduler looked at since the last settle (the extender saw it, or it was
// written unschedulable, or it preempted): the nodes that passed the filters (the extender's latest call for it),
// where it went, the PodScheduled=False message, the nominated node and the pods it preempted.
func (r *Recorder) scheduling(ctx context.Context, writes []Write, events []Event) (map[string]any, error) {
	victims := map[string][]string{}
	looked := map[string]bool{}
	for _, e := range events {
		if e.Reason == "Preempted" && e.related != "" {
			victims[e.related] = append(victims[e.related], e.Namespace+"/"+e.Name)
			looked[e.related] = true
		}
	}
	for _, k := range r.C.Extender.Pods() {
		looked[k] = true
	}
	for _, w := range writes {
		if w.Kind == "Pod" && w.Type != "DELETED" && unschedulable(w.Object) {
			looked[w.Namespace+"/"+w.Name] = true
		}
	}
	out := map[string]any{}
	for _, key := range sortedKeys(looked) {
		ns, name, _ := strings.Cut(key, "/")
		feasible, _ := r.C.Extender.Feasible(key)
		if feasible == nil {
			feasible = []string{}
		}
		entry := map[string]any{"feasible": feasible, "node": nil, "message": "", "nominated": "",
			"victims": uniqueSorted(victims[key])}
		p, err := r.C.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return out, err
		}
		if err == nil {
			if p.Spec.NodeName != "" {
				entry["node"] = p.Spec.NodeName
			}
			for _, c := range p.Status.Conditions {
				if c.Type == v1.PodScheduled && c.Status == v1.ConditionFalse {
					entry["message"] = c.Message
				}
			}
			entry["nominated"] = p.Status.NominatedNodeName
		}
		out[key] = entry
	}
	r.C.Extender.Reset()
	return out, nil
}

func unschedulable(pod map[string]any) bool {
	status, _ := pod["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "PodScheduled" && m["status"] == "False" {
			return true
		}
	}
	return false
}

func uniqueSorted(in []string) []string {
	seen, out := map[string]bool{}, []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// terminating says whether one of the case's namespaces is being deleted (the namespace controller has work).
func (r *Recorder) terminating(sc *scope) func(context.Context) bool {
	return func(ctx context.Context) bool {
		for ns := range sc.namespaces {
			n, err := r.C.Client.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
			if err == nil && n.DeletionTimestamp != nil {
				return true
			}
		}
		return false
	}
}
