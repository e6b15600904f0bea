# Three nested for expressions over range(1024): 2^30 iterations.
lab "hostile" {}
locals {
  cube = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]
}
network "lan" { subnet = "10.0.0.0/24" }
node "n1" {
  interface "lan" { address = "10.0.0.${length(local.cube)}/24" }
}
