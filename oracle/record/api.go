package record

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
)

// resource is where a kind lives in the API.
type resource struct {
	gvr        schema.GroupVersionResource
	namespaced bool
}

// API sends requests as plain HTTP so the recorded answer is exactly the server's: status code and body.
type API struct {
	cfg     *rest.Config
	mu      sync.Mutex
	clients map[string]*http.Client // by identity
	byGVK   map[schema.GroupVersionKind]resource
	byKind  map[string]resource // the preferred version of each kind, the core group winning a clash
	wipe    []resource          // namespaced resources that can be listed and deleted by collection
}

// NewAPI reads discovery once; the set of built-in resources does not change while recording.
func NewAPI(cfg *rest.Config) (*API, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	a := &API{cfg: cfg, clients: map[string]*http.Client{}, byGVK: map[schema.GroupVersionKind]resource{},
		byKind: map[string]resource{}}
	_, all, err := dc.ServerGroupsAndResources()
	if err != nil {
		return nil, err
	}
	preferred, err := dc.ServerPreferredResources()
	if err != nil {
		return nil, err
	}
	for _, list := range all {
		gv, _ := schema.ParseGroupVersion(list.GroupVersion)
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") {
				continue
			}
			a.byGVK[gv.WithKind(r.Kind)] = resource{gv.WithResource(r.Name), r.Namespaced}
		}
	}
	sort.Slice(preferred, func(i, j int) bool { return preferred[i].GroupVersion < preferred[j].GroupVersion })
	for _, list := range preferred {
		gv, _ := schema.ParseGroupVersion(list.GroupVersion)
		for _, r := range list.APIResources {
			if strings.Contains(r.Name, "/") {
				continue
			}
			if old, ok := a.byKind[r.Kind]; ok && old.gvr.Group == "" {
				continue
			}
			a.byKind[r.Kind] = resource{gv.WithResource(r.Name), r.Namespaced}
			if r.Namespaced && has(r.Verbs, "deletecollection") && has(r.Verbs, "list") && r.Name != "events" {
				a.wipe = append(a.wipe, resource{gv.WithResource(r.Name), true})
			}
		}
	}
	// workloads first, pods last, so no controller is left to replace what was deleted
	rank := func(r resource) int {
		switch r.gvr.Resource {
		case "deployments", "statefulsets", "daemonsets", "cronjobs", "jobs", "replicationcontrollers":
			return 0
		case "replicasets":
			return 1
		case "pods":
			return 3
		}
		return 2
	}
	sort.SliceStable(a.wipe, func(i, j int) bool { return rank(a.wipe[i]) < rank(a.wipe[j]) })
	return a, nil
}

func (a *API) resolve(apiVersion, kind string) (resource, error) {
	if apiVersion != "" {
		gv, err := schema.ParseGroupVersion(apiVersion)
		if err != nil {
			return resource{}, err
		}
		if r, ok := a.byGVK[gv.WithKind(kind)]; ok {
			return r, nil
		}
		// a version the server does not serve (removed, or a CRD not installed): send the request where that
		// kind would live, so the answer is the server's own 404
		plural, _ := meta.UnsafeGuessKindToResource(gv.WithKind(kind))
		return resource{plural, namespacedGuess}, nil
	}
	if r, ok := a.byKind[kind]; ok {
		return r, nil
	}
	return resource{}, fmt.Errorf("no resource for kind %q", kind)
}

// namespacedGuess: an unserved kind is taken as namespaced; r.path then uses the manifest's namespace.
const namespacedGuess = true

// path is the REST path of a collection (name "") or of one object.
func (r resource) path(namespace, name string) string {
	p := "/apis/" + r.gvr.Group + "/" + r.gvr.Version
	if r.gvr.Group == "" {
		p = "/api/" + r.gvr.Version
	}
	if r.namespaced {
		if namespace == "" {
			namespace = "default"
		}
		p += "/namespaces/" + namespace
	}
	p += "/" + r.gvr.Resource
	if name != "" {
		p += "/" + name
	}
	return p
}

func (a *API) client(as *Identity) (*http.Client, error) {
	key := ""
	cfg := rest.CopyConfig(a.cfg)
	if as != nil {
		key = as.User + "\x00" + strings.Join(as.Groups, "\x00")
		cfg.Impersonate = rest.ImpersonationConfig{UserName: as.User, Groups: as.Groups}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.clients[key]; ok {
		return c, nil
	}
	c, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	a.clients[key] = c
	return c, nil
}

// Do sends one request and returns the status code and the decoded JSON body.
func (a *API) Do(ctx context.Context, as *Identity, method, path, contentType string, body []byte) (int, map[string]any, error) {
	c, err := a.client(as)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, a.cfg.Host+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{}
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		if resp.StatusCode < 400 {
			return resp.StatusCode, nil, fmt.Errorf("%s %s: %d %q", method, path, resp.StatusCode, raw)
		}
		// a plain-text error (a group the server does not serve: "404 page not found"), read as client-go
		// reads it (apierrors.NewGenericServerResponse)
		st := apierrors.NewGenericServerResponse(resp.StatusCode, method, schema.GroupResource{}, "", string(raw), 0, false).ErrStatus
		st.Kind, st.APIVersion = "Status", "v1"
		b, _ := json.Marshal(st)
		out = map[string]any{}
		json.Unmarshal(b, &out)
	}
	return resp.StatusCode, out, nil
}

// objectPath is where a manifest goes: its collection (create) or itself (update).
func (a *API) objectPath(obj map[string]any, named bool) (string, resource, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	r, err := a.resolve(apiVersion, kind)
	if err != nil {
		return "", r, err
	}
	meta, _ := obj["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name := ""
	if named {
		name, _ = meta["name"].(string)
	}
	return r.path(ns, name), r, nil
}

func has(verbs []string, v string) bool {
	for _, x := range verbs {
		if x == v {
			return true
		}
	}
	return false
}
