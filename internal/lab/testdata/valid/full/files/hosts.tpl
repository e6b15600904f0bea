%{ for name, addr in hosts ~}
${addr} ${name}
%{ endfor ~}
