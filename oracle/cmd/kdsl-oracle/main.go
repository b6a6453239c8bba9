// Command kdsl-oracle runs the real Kubernetes control plane in-process and records its answers to kdsl's oracle
// cases: kdsl-oracle record --cases DIR --out DIR [--area A] [--only ID] [--log FILE].
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/klog/v2"

	"kdsl.dev/oracle/cluster"
	"kdsl.dev/oracle/record"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kdsl-oracle record --cases DIR --out DIR [--area AREA] [--only ID] [--log FILE]")
	os.Exit(2)
}

// kubernetesVersion is the k8s.io/kubernetes module this binary was built from.
func kubernetesVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "k8s.io/kubernetes" {
				return m.Version
			}
		}
	}
	return "unknown"
}

func main() {
	if len(os.Args) < 2 || os.Args[1] != "record" {
		usage()
	}
	fs := flag.NewFlagSet("record", flag.ExitOnError)
	cases := fs.String("cases", "tests/oracle/cases", "directory of <area>.json case files")
	out := fs.String("out", "tests/oracle/recorded", "directory for <area>.json recordings")
	area := fs.String("area", "", "record only this area")
	only := fs.String("only", "", "record only these case ids, comma-separated (merged into the existing recording)")
	logFile := fs.String("log", filepath.Join(os.TempDir(), "kdsl-oracle.log"), "control-plane log")
	fs.Parse(os.Args[2:])
	if err := run(*cases, *out, *area, *only, *logFile); err != nil {
		fmt.Fprintln(os.Stderr, "kdsl-oracle:", err)
		os.Exit(1)
	}
}

func run(casesDir, outDir, area, only, logFile string) error {
	logs, err := os.Create(logFile)
	if err != nil {
		return err
	}
	defer logs.Close()
	// the components log through klog; keep the terminal for progress
	kfs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(kfs)
	kfs.Set("logtostderr", "false")
	kfs.Set("alsologtostderr", "false")
	kfs.Set("stderrthreshold", "FATAL")
	klog.SetOutput(logs)
	os.Stderr.WriteString("kdsl-oracle: control-plane log in " + logFile + "\n")

	ids := map[string]bool{}
	for _, id := range strings.Split(only, ",") {
		ids[id] = true
	}
	areas := record.Areas
	if area != "" {
		areas = []string{area}
	}
	work := map[string][]record.Case{}
	total := 0
	for _, a := range areas {
		cs, err := record.LoadCases(casesDir, a)
		if err != nil {
			return err
		}
		var keep []record.Case
		for _, c := range cs {
			if only == "" || ids[c.ID] {
				keep = append(keep, c)
			}
		}
		work[a], total = keep, total+len(keep)
	}
	if total == 0 {
		return fmt.Errorf("no cases in %s for area %q id %q", casesDir, area, only)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	c, err := cluster.Start(ctx)
	if err != nil {
		return err
	}
	defer c.Stop()
	defer cancel()
	api, err := record.NewAPI(c.Config)
	if err != nil {
		return err
	}
	rec := &record.Recorder{C: c, API: api}
	version := kubernetesVersion()
	done, t0 := 0, time.Now()
	for _, a := range areas {
		if len(work[a]) == 0 {
			continue
		}
		path := filepath.Join(outDir, a+".json")
		recording := &record.Recording{Kubernetes: version, RecordedBy: "make oracle", Cases: map[string]record.CaseResult{}}
		if only != "" {
			if recording, err = record.LoadRecording(path, version); err != nil {
				return err
			}
		}
		for _, cs := range work[a] {
			t := time.Now()
			recording.Cases[cs.ID] = rec.Run(ctx, cs)
			done++
			fmt.Fprintf(os.Stderr, "[%d/%d] %s (%.1f s)\n", done, total, cs.ID, time.Since(t).Seconds())
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		if err := recording.Write(path); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "kdsl-oracle: wrote %s (%d cases)\n", path, len(recording.Cases))
	}
	fmt.Fprintf(os.Stderr, "kdsl-oracle: %d cases in %.0f s against Kubernetes %s\n", done, time.Since(t0).Seconds(),
		strings.TrimSpace(version))
	// the components' clients complain on the way down, straight to fd 2: send that to the log too
	unix.Dup3(int(logs.Fd()), 2, 0)
	return nil
}
