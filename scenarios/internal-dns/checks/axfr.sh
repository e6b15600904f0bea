# What a zone transfer of corp.internal from this node gets.
out=$(dig +time=2 +tries=1 @10.30.0.53 corp.internal AXFR 2>&1)
case $out in
*'communications error'* | *'timed out'* | *'no servers could be reached'*) echo "ns unreachable" ;;
*'XFR size'*) echo "transferred: $(printf '%s\n' "$out" | grep 'XFR size')" ;;
*'Transfer failed.'*) echo "refused" ;;
*) printf '%s\n' "$out" | tail -3 ;;
esac
