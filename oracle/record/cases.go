// Package record runs oracle cases (tests/oracle/cases/<area>.json) against the control plane and writes what it
// answered (tests/oracle/recorded/<area>.json).
package record

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Areas are the case files, in the order `record` runs them.
var Areas = []string{"validation", "admission", "rbac", "scheduling", "controllers"}

// Case is one case of the contract in tests/oracle/README or the issue 16 brief.
type Case struct {
	ID         string           `json:"id"`
	Area       string           `json:"area"`
	Namespaces []string         `json:"namespaces"`
	Nodes      []map[string]any `json:"nodes"`
	Setup      []map[string]any `json:"setup"`
	Steps      []Step           `json:"steps"`
	Kubelet    *KubeletSpec     `json:"kubelet"`
}

// KubeletSpec is the case's fake-kubelet behaviour: a default and per "<namespace>/<pod name prefix>" overrides.
type KubeletSpec struct {
	Default string            `json:"default"`
	Pods    map[string]string `json:"pods"`
}

// Identity is who a request is made as (impersonation).
type Identity struct {
	User   string   `json:"user"`
	Groups []string `json:"groups"`
}

// Step is one request or one settle. Fields are shared between ops (namespace and name serve delete, patch and sar).
type Step struct {
	Op          string          `json:"op"`
	Object      map[string]any  `json:"object,omitempty"`
	As          *Identity       `json:"as,omitempty"`
	APIVersion  string          `json:"apiVersion,omitempty"`
	Kind        string          `json:"kind,omitempty"`
	Namespace   string          `json:"namespace,omitempty"`
	Name        string          `json:"name,omitempty"`
	Type        string          `json:"type,omitempty"`
	Patch       json.RawMessage `json:"patch,omitempty"`
	User        string          `json:"user,omitempty"`
	Groups      []string        `json:"groups,omitempty"`
	Verb        string          `json:"verb,omitempty"`
	Group       string          `json:"group,omitempty"`
	Resource    string          `json:"resource,omitempty"`
	Subresource string          `json:"subresource,omitempty"`
	TimeoutS    float64         `json:"timeout_s,omitempty"`
	Until       string          `json:"until,omitempty"`
	QuietS      float64         `json:"quiet_s,omitempty"` // optional: how long without a write counts as quiet (2 s)
	// optional delete fields: DeleteOptions.propagationPolicy; a label selector picking the first match by name
	Propagation   string `json:"propagation,omitempty"`
	LabelSelector string `json:"labelSelector,omitempty"`
}

// LoadCases reads <dir>/<area>.json; a missing file is no cases.
func LoadCases(dir, area string) ([]Case, error) {
	raw, err := os.ReadFile(filepath.Join(dir, area+".json"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var file struct {
		Cases []Case `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s.json: %w", area, err)
	}
	seen := map[string]bool{}
	for i, c := range file.Cases {
		if c.ID == "" || seen[c.ID] {
			return nil, fmt.Errorf("%s.json: case %d: missing or repeated id %q", area, i, c.ID)
		}
		seen[c.ID] = true
	}
	return file.Cases, nil
}

// Recording is tests/oracle/recorded/<area>.json.
type Recording struct {
	Kubernetes string                `json:"kubernetes"`
	RecordedBy string                `json:"recorded_by"`
	Cases      map[string]CaseResult `json:"cases"`
}

// CaseResult is what one case recorded.
type CaseResult struct {
	SetupErrors []string `json:"setup_errors"`
	Steps       []any    `json:"steps"`
}

// LoadRecording reads an existing recording (to update single cases with --only), or an empty one.
func LoadRecording(path, version string) (*Recording, error) {
	rec := &Recording{Kubernetes: version, RecordedBy: "make oracle", Cases: map[string]CaseResult{}}
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return rec, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, rec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rec.Kubernetes, rec.RecordedBy = version, "make oracle"
	return rec, nil
}

// Write writes the recording with sorted keys, one-space indentation and a final newline.
func (r *Recording) Write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
