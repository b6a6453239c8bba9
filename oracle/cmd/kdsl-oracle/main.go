// Command kdsl-oracle runs the real Kubernetes control plane in-process and records answers for kdsl's oracle cases.
package main

import (
	_ "go.etcd.io/etcd/server/v3/embed"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app/options"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app/testing"
	_ "k8s.io/kubernetes/cmd/kube-scheduler/app/testing"
	_ "k8s.io/client-go/kubernetes"
	_ "k8s.io/client-go/dynamic"
	_ "k8s.io/client-go/tools/clientcmd"
)

func main() {}
