package cluster

import (
	"encoding/json"
	"net"
	"net/http"
	"sort"
	"sync"

	extenderv1 "k8s.io/kube-scheduler/extender/v1"
)

// Extender is the scheduler extender the harness serves: kube-scheduler calls its filter verb with the nodes that
// passed every in-tree filter plugin (and only when at least one did); it records them and accepts them all.
type Extender struct {
	mu       sync.Mutex
	feasible map[string][]string // "<namespace>/<pod>" -> sorted node names of the latest filter call
	server   *http.Server
	URL      string
}

func startExtender() (*Extender, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	x := &Extender{feasible: map[string][]string{}, URL: "http://" + l.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("/filter", x.filter)
	x.server = &http.Server{Handler: mux}
	go x.server.Serve(l)
	return x, nil
}

func (x *Extender) filter(w http.ResponseWriter, r *http.Request) {
	var args extenderv1.ExtenderArgs
	if err := json.NewDecoder(r.Body).Decode(&args); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	names := []string{}
	if args.Nodes != nil {
		for _, n := range args.Nodes.Items {
			names = append(names, n.Name)
		}
	} else if args.NodeNames != nil {
		names = append(names, *args.NodeNames...)
	}
	sort.Strings(names)
	if args.Pod != nil {
		x.mu.Lock()
		x.feasible[args.Pod.Namespace+"/"+args.Pod.Name] = names
		x.mu.Unlock()
	}
	json.NewEncoder(w).Encode(&extenderv1.ExtenderFilterResult{Nodes: args.Nodes, NodeNames: args.NodeNames})
}

// Feasible returns the nodes the latest filter call for the pod carried, and whether there was one.
func (x *Extender) Feasible(podKey string) ([]string, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	names, ok := x.feasible[podKey]
	return names, ok
}

// Pods lists the pods filtered since the last Reset.
func (x *Extender) Pods() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]string, 0, len(x.feasible))
	for k := range x.feasible {
		out = append(out, k)
	}
	return out
}

// Reset forgets every pod, between cases and settles.
func (x *Extender) Reset() {
	x.mu.Lock()
	x.feasible = map[string][]string{}
	x.mu.Unlock()
}
