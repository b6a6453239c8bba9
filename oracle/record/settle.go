package record

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
)

// Write is one change to the store, as etcd saw it.
type Write struct {
	RV        int64          `json:"rv"`
	Type      string         `json:"type"`
	Kind      string         `json:"kind"`
	Namespace string         `json:"namespace"`
	Name      string         `json:"name"`
	Object    map[string]any `json:"object"`
}

// Event is one Event write (a new event or a repeat counted into an existing one).
type Event struct {
	Reason    string `json:"reason"`
	Message   string `json:"message"`
	Type      string `json:"type"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Source    string `json:"source"`
	Count     int32  `json:"count,omitempty"`
	// related is the preemptor of a Preempted event (not recorded; it gives the victims).
	related string
}

// scope says which stored objects belong to the case: its namespaces, and the cluster-scoped objects it made.
type scope struct {
	namespaces map[string]bool
	cluster    map[string]bool // "<Kind>/<name>"
	made       [][3]string     // kind, namespace, name of what the case created in a system namespace
}

func (sc *scope) has(kind, ns, name string) bool {
	if ns != "" {
		return sc.namespaces[ns]
	}
	return sc.cluster[kind+"/"+name] || (kind == "Namespace" && sc.namespaces[name])
}

// decode turns a stored value (protobuf, or JSON for a few kinds) into a JSON object with apiVersion and kind.
func decode(value []byte) (map[string]any, bool) {
	obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode(value, nil, nil)
	var raw []byte
	if err == nil {
		obj.GetObjectKind().SetGroupVersionKind(*gvk)
		raw, err = json.Marshal(obj)
	} else {
		raw, err = value, nil
	}
	out := map[string]any{}
	if err != nil || json.Unmarshal(raw, &out) != nil {
		return nil, false
	}
	return out, true
}

func metaOf(obj map[string]any) (kind, ns, name string) {
	kind, _ = obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	ns, _ = meta["namespace"].(string)
	name, _ = meta["name"].(string)
	return
}

// watchWrites streams the store's changes after revision `from` until no write of the case's scope came for
// `quiet` or `timeout` passed. It returns the case's writes and events in revision order, and the last revision.
//
// busy, when given, is asked when the quiet has lasted: work known to come later (a Terminating namespace,
// which the namespace controller only starts on after 5 s) keeps the settle going.
func watchWrites(ctx context.Context, etcd *clientv3.Client, from int64, sc *scope, quiet, timeout time.Duration,
	busy func(context.Context) bool) ([]Write, []Event, int64) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := etcd.Watch(clientv3.WithRequireLeader(ctx), "/registry/", clientv3.WithPrefix(), clientv3.WithRev(from+1),
		clientv3.WithPrevKV())
	writes, events, last := []Write{}, []Event{}, from
	timer := time.NewTimer(quiet)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return writes, events, last
		case <-timer.C:
			if busy != nil && busy(ctx) {
				timer.Reset(quiet)
				continue
			}
			return writes, events, last
		case resp, ok := <-ch:
			if !ok {
				return writes, events, last
			}
			for _, ev := range resp.Events {
				last = ev.Kv.ModRevision
				if strings.HasPrefix(string(ev.Kv.Key), "/registry/leases/") {
					continue
				}
				w, e, mine := classify(ev, sc)
				if !mine {
					continue
				}
				if w == nil || w.Kind != "Node" { // a node's status is the harness's, not an answer
					if !timer.Stop() {
						select {
						case <-timer.C:
						default:
						}
					}
					timer.Reset(quiet)
				}
				if e != nil {
					events = append(events, *e)
				} else if w != nil {
					writes = append(writes, *w)
				}
			}
		}
	}
}

// classify decodes one etcd event into a write or an Event of the case, or says it is not the case's.
func classify(ev *clientv3.Event, sc *scope) (*Write, *Event, bool) {
	typ, value := "MODIFIED", ev.Kv.Value
	switch {
	case ev.Type == clientv3.EventTypeDelete:
		typ = "DELETED"
		if ev.PrevKv == nil {
			return nil, nil, false
		}
		value = ev.PrevKv.Value
	case ev.Kv.CreateRevision == ev.Kv.ModRevision:
		typ = "ADDED"
	}
	obj, ok := decode(value)
	if !ok {
		return nil, nil, false
	}
	kind, ns, name := metaOf(obj)
	if kind == "Event" {
		if typ == "DELETED" {
			return nil, nil, false
		}
		e := toEvent(value)
		if e == nil || !(sc.namespaces[e.Namespace] || e.Namespace == "" && sc.cluster[e.Kind+"/"+e.Name]) {
			return nil, nil, false
		}
		return nil, e, true
	}
	if kind == "Lease" || !sc.has(kind, ns, name) {
		return nil, nil, false
	}
	return &Write{RV: ev.Kv.ModRevision, Type: typ, Kind: kind, Namespace: ns, Name: name, Object: Normalise(obj)}, nil, true
}

func toEvent(value []byte) *Event {
	obj, _, err := scheme.Codecs.UniversalDeserializer().Decode(value, nil, &corev1.Event{})
	ev, ok := obj.(*corev1.Event)
	if err != nil || !ok {
		return nil
	}
	source := ev.ReportingController
	if source == "" {
		source = ev.Source.Component
	}
	count := ev.Count
	if ev.Series != nil {
		count = ev.Series.Count
	}
	e := &Event{Reason: ev.Reason, Message: ev.Message, Type: ev.Type, Kind: ev.InvolvedObject.Kind,
		Name: ev.InvolvedObject.Name, Namespace: ev.InvolvedObject.Namespace, Source: source, Count: count}
	if ev.Related != nil {
		e.related = ev.Related.Namespace + "/" + ev.Related.Name
	}
	return e
}

// revision is the store's current revision.
func revision(ctx context.Context, etcd *clientv3.Client) (int64, error) {
	resp, err := etcd.Get(ctx, "/registry/health-of-oracle", clientv3.WithCountOnly())
	if err != nil {
		return 0, err
	}
	return resp.Header.Revision, nil
}
