package cluster

import (
	"fmt"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The statuses the fake kubelet posts, shaped as the kubelet's generateAPIPodStatus makes them
// (pkg/kubelet/kubelet_pods.go: PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled).

func condition(t v1.PodConditionType, ok bool, reason string, now metav1.Time) v1.PodCondition {
	s := v1.ConditionFalse
	if ok {
		s = v1.ConditionTrue
	}
	return v1.PodCondition{Type: t, Status: s, Reason: reason, LastTransitionTime: now}
}

func containerID(pod *v1.Pod, name string) string {
	return fmt.Sprintf("containerd://%s-%s", pod.UID, name)
}

// initStatuses: every init container has run to completion; a sidecar (restartPolicy Always) keeps running.
func initStatuses(pod *v1.Pod, now metav1.Time) []v1.ContainerStatus {
	var out []v1.ContainerStatus
	for _, c := range pod.Spec.InitContainers {
		cs := v1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: c.Image, ContainerID: containerID(pod, c.Name)}
		if c.RestartPolicy != nil && *c.RestartPolicy == v1.ContainerRestartPolicyAlways {
			started := true
			cs.Ready, cs.Started = true, &started
			cs.State.Running = &v1.ContainerStateRunning{StartedAt: now}
		} else {
			started := false
			cs.Started = &started
			cs.State.Terminated = &v1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now,
				FinishedAt: now, ContainerID: cs.ContainerID}
		}
		out = append(out, cs)
	}
	return out
}

func runningStatus(pod *v1.Pod, ip, hostIP string) *v1.PodStatus {
	now := metav1.Now()
	st := pod.Status.DeepCopy()
	st.Phase = v1.PodRunning
	st.StartTime = &now
	st.HostIP, st.PodIP = hostIP, ip
	st.HostIPs, st.PodIPs = nil, nil
	if hostIP != "" {
		st.HostIPs = []v1.HostIP{{IP: hostIP}}
	}
	if ip != "" {
		st.PodIPs = []v1.PodIP{{IP: ip}}
	}
	st.Conditions = []v1.PodCondition{
		condition(v1.PodReadyToStartContainers, true, "", now),
		condition(v1.PodInitialized, true, "", now),
		condition(v1.PodReady, true, "", now),
		condition(v1.ContainersReady, true, "", now),
		scheduled(pod, now),
	}
	st.InitContainerStatuses = initStatuses(pod, now)
	st.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		started := true
		st.ContainerStatuses = append(st.ContainerStatuses, v1.ContainerStatus{Name: c.Name, Image: c.Image,
			ImageID: c.Image, ContainerID: containerID(pod, c.Name), Ready: true, Started: &started,
			State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: now}}})
	}
	return st
}

// exitedStatus: every container exited with code; restarts says the kubelet restarts them (restartPolicy), so
// the pod stays Running with the containers in back-off; otherwise the pod ends Succeeded (0) or Failed.
func exitedStatus(pod *v1.Pod, code int32, restarts bool) *v1.PodStatus {
	now := metav1.Now()
	st := pod.Status.DeepCopy()
	reason := "Completed"
	if code != 0 {
		reason = "Error"
	}
	for i := range st.ContainerStatuses {
		cs := &st.ContainerStatuses[i]
		started := false
		term := &v1.ContainerStateTerminated{ExitCode: code, Reason: reason, StartedAt: now, FinishedAt: now,
			ContainerID: cs.ContainerID}
		cs.Ready, cs.Started = false, &started
		if restarts {
			cs.RestartCount = 1
			cs.LastTerminationState = v1.ContainerState{Terminated: term}
			cs.State = v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
				Message: fmt.Sprintf("back-off 10s restarting failed container=%s pod=%s_%s(%s)", cs.Name, pod.Name,
					pod.Namespace, pod.UID)}}
		} else {
			cs.State = v1.ContainerState{Terminated: term}
		}
	}
	notReady := "ContainersNotReady"
	if !restarts {
		notReady = "PodCompleted"
		st.Phase = v1.PodSucceeded
		if code != 0 {
			st.Phase = v1.PodFailed
		}
	}
	st.Conditions = []v1.PodCondition{
		condition(v1.PodReadyToStartContainers, restarts, "", now),
		condition(v1.PodInitialized, true, "", now),
		condition(v1.PodReady, false, notReady, now),
		condition(v1.ContainersReady, false, notReady, now),
		scheduled(pod, now),
	}
	if restarts {
		st.Conditions[2].Message = fmt.Sprintf("containers with unready status: %v", names(pod))
		st.Conditions[3].Message = st.Conditions[2].Message
	}
	return st
}

func names(pod *v1.Pod) []string {
	var out []string
	for _, c := range pod.Spec.Containers {
		out = append(out, c.Name)
	}
	return out
}

// scheduled keeps the scheduler's PodScheduled condition as the kubelet does.
func scheduled(pod *v1.Pod, now metav1.Time) v1.PodCondition {
	for _, c := range pod.Status.Conditions {
		if c.Type == v1.PodScheduled {
			return c
		}
	}
	return condition(v1.PodScheduled, true, "", now)
}
