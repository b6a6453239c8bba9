package record

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// kept are the objects every namespace has, recreated by controllers at once; a wipe leaves them.
var kept = map[string]string{"serviceaccounts": "metadata.name!=default", "configmaps": "metadata.name!=kube-root-ca.crt"}

// wipe empties a namespace the next case uses again: what the namespace controller does on deletion, without
// its fixed 5 s delay (namespace_controller.go namespaceDeletionGracePeriod) and pods' grace periods, which
// would make each case cost 5-16 s. It deletes every listable resource by collection (workloads first, pods
// with grace 0), repeats until all lists are empty, and strips finalizers still holding objects after 5 s.
func (a *API) wipeNamespace(ctx context.Context, ns string) error {
	deadline := time.Now().Add(60 * time.Second)
	stripAfter := time.Now().Add(5 * time.Second)
	for round := 0; ; round++ {
		left := 0
		for _, r := range a.wipe {
			q := url.Values{}
			if sel, ok := kept[r.gvr.Resource]; ok {
				q.Set("fieldSelector", sel)
			}
			path := r.path(ns, "")
			if round > 0 {
				code, list, err := a.Do(ctx, nil, "GET", path+"?"+q.Encode(), "", nil)
				if err != nil || code != 200 {
					continue
				}
				items, _ := list["items"].([]any)
				if len(items) == 0 {
					continue
				}
				left += len(items)
				if time.Now().After(stripAfter) {
					a.stripFinalizers(ctx, r, ns, items)
				}
			}
			opts := map[string]any{"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"}
			if r.gvr.Resource == "pods" {
				opts["gracePeriodSeconds"] = 0
			}
			body, _ := json.Marshal(opts)
			a.Do(ctx, nil, "DELETE", path+"?"+q.Encode(), "application/json", body)
		}
		if round > 0 && left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("namespace %s: %d objects left after 60 s", ns, left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (a *API) stripFinalizers(ctx context.Context, r resource, ns string, items []any) {
	patch := []byte(`{"metadata":{"finalizers":null}}`)
	for _, it := range items {
		m, _ := it.(map[string]any)
		_, _, name := metaOf(m)
		a.Do(ctx, nil, "PATCH", r.path(ns, name), "application/merge-patch+json", patch)
	}
}
