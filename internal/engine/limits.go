package engine

import "github.com/labdojo/labdojo/internal/lab"

// Default per-node limits, applied when the lab sets none: enough for a
// database or a web server with its workers, small enough that a fork bomb
// or a memory leak in one node stays inside it. A lab raises them per node
// or in its defaults block (pids up to lab.MaxPids, memory up to 64g: the
// lab loader refuses more).
const (
	DefaultNodePids   = 1024
	DefaultNodeMemory = 1 << 30 // 1 GiB
	// NodeCPUShares is every node's CPU weight: half the engine's default
	// 1024, so under contention the host's own processes (the learner's
	// terminal, dojo) get twice a node's share. cpus in the lab sets a
	// hard limit on top.
	NodeCPUShares = 512
)

// nodeLimits returns the pids, memory and CPU share limits of a node.
func nodeLimits(n *lab.Node) (pids, memory, shares int64) {
	pids, memory = n.Pids, n.Memory
	if pids == 0 {
		pids = DefaultNodePids
	}
	if memory == 0 {
		memory = DefaultNodeMemory
	}
	return pids, memory, NodeCPUShares
}
