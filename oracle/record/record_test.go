package record

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"kdsl.dev/oracle/cluster"
)

// TestSmoke runs the harness's own cases (testdata/) on a real control plane, one of each op.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := cluster.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	defer cancel()
	api, err := NewAPI(c.Config)
	if err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{C: c, API: api}
	got := map[string]CaseResult{}
	for _, area := range Areas {
		cases, err := LoadCases("../testdata", area)
		if err != nil {
			t.Fatal(err)
		}
		for _, cs := range cases {
			got[cs.ID] = rec.Run(ctx, cs)
			raw, _ := json.Marshal(got[cs.ID])
			t.Logf("%s: %.600s", cs.ID, raw)
		}
	}
	step := func(id string, i int) map[string]any {
		r, ok := got[id]
		if !ok || len(r.SetupErrors) > 0 || i >= len(r.Steps) {
			t.Fatalf("%s: no step %d (setup errors %v)", id, i, r.SetupErrors)
		}
		return asMap(t, r.Steps[i])
	}
	if s := step("smoke/validation/pod-valid", 0); s["code"] != 201 {
		t.Errorf("valid pod: %v", s)
	} else if spec := dig(s, "object", "spec"); spec["schedulerName"] != "default-scheduler" {
		t.Errorf("valid pod not defaulted: %v", spec)
	}
	if s := step("smoke/validation/pod-invalid", 0); s["code"] != 422 || s["reason"] != "Invalid" ||
		!strings.Contains(s["message"].(string), "metadata.name") {
		t.Errorf("invalid pod: %v", s)
	}
	if s := step("smoke/admission/limitrange-defaults-and-quota", 1); s["code"] != 403 ||
		!strings.Contains(s["message"].(string), "exceeded quota") {
		t.Errorf("quota: %v", s)
	}
	if s := step("smoke/rbac/role-and-impersonation", 0); s["allowed"] != true {
		t.Errorf("alice list pods: %v", s)
	}
	if s := step("smoke/rbac/role-and-impersonation", 1); s["allowed"] != false {
		t.Errorf("alice create pods: %v", s)
	}
	if s := step("smoke/rbac/role-and-impersonation", 3); s["code"] != 403 || s["reason"] != "Forbidden" {
		t.Errorf("impersonated create: %v", s)
	}
	sched := dig(step("smoke/scheduling/two-nodes-one-unschedulable", 2), "scheduling")
	fits, big := asMap(t, sched["shop/fits"]), asMap(t, sched["shop/too-big"])
	if fits["node"] != "node-a" || len(fits["feasible"].([]string)) != 1 {
		t.Errorf("fits: %v", fits)
	}
	if big["node"] != nil || !strings.Contains(big["message"].(string), "Insufficient cpu") {
		t.Errorf("too-big: %v", big)
	}
	writes := step("smoke/controllers/deployment-3-replicas", 1)["writes"].([]Write)
	running := map[string]bool{}
	for _, w := range writes {
		if w.Kind == "Pod" && dig(w.Object, "status")["phase"] == "Running" {
			running[w.Name] = true
		}
	}
	if len(running) != 3 {
		t.Errorf("deployment: %d pods running, want 3", len(running))
	}
	writes = step("smoke/controllers/job-succeeds", 1)["writes"].([]Write)
	complete := false
	for _, w := range writes {
		if w.Kind == "Job" && strings.Contains(string(mustJSON(w.Object)), `"type":"Complete"`) {
			complete = true
		}
	}
	if !complete {
		t.Errorf("job never Complete")
	}
}

func asMap(t *testing.T, v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not a map: %#v", v)
	}
	return m
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}

func mustJSON(v any) []byte {
	raw, _ := json.Marshal(v)
	return raw
}
