%{ for a in n }%{ for b in n }%{ for c in n }${c}%{ endfor }%{ endfor }%{ endfor }
