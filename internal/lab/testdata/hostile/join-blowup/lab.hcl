# join() with a large separator over a long list.
lab "hostile" {}
locals {
  s1  = "0123456789abcdef"
  s2  = "${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}${local.s1}"
  s3  = "${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}${local.s2}"
  s4  = "${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}${local.s3}"
  s5  = "${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}${local.s4}"
  s6  = "${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}${local.s5}"
  big = join(local.s6, [for i in range(1000) : i])
}
network "lan" { subnet = "10.0.0.0/24" }
node "n1" { env = { X = local.big } }
