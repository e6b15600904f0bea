lab "syntax" {
  title = = "x"
}

# error: 2:11 Invalid expression
