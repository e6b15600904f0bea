// Package engine plans and carries out bringing lab instances up and down on
// a container runtime: networks and nodes created in parallel, files and keys
// placed before start, addresses and routes exactly as the lab file says, and
// a rollback of everything created when a first bring-up fails.
package engine

import (
	"github.com/labdojo/labdojo/internal/runtime"
)

// Engine object names separate the instance from the node or network with
// a dot, which none of instance, node and network names may contain (they
// are lowercase letters, digits and dashes): with a dash, instance "rel"
// with node "a-server" and instance "rel-a" with node "server" both made
// "dojo-rel-a-server".

// ContainerName is the container name of a node: dojo-<instance>.<node>.
func ContainerName(instance, node string) string { return "dojo-" + instance + "." + node }

// NetworkName is the engine network name of a lab network:
// dojo-<instance>.n.<network> (never equal to MgmtNetworkName, even for a
// lab network named "mgmt").
func NetworkName(instance, network string) string { return "dojo-" + instance + ".n." + network }

// MgmtNetworkName is the engine network name of the instance's management
// network: dojo-<instance>.mgmt.
func MgmtNetworkName(instance string) string { return "dojo-" + instance + ".mgmt" }

// MgmtLabel is the io.labdojo.network label value of the management network.
const MgmtLabel = ".mgmt"

// InstanceLabels are the labels selecting every object of an instance.
func InstanceLabels(instance string) map[string]string {
	return map[string]string{runtime.LabelTool: runtime.ToolName, runtime.LabelInstance: instance}
}

// ToolLabels select every object labdojo created.
func ToolLabels() map[string]string {
	return map[string]string{runtime.LabelTool: runtime.ToolName}
}
