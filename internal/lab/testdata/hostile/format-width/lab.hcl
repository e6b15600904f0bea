# A format width of a gigabyte.
lab "hostile" {}
locals {
  big = format("%0999999999d", 1)
}
network "lan" { subnet = "10.0.0.0/24" }
node "n1" { env = { X = local.big } }
