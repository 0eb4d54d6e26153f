# Turn a compiled message catalog into C: IN, OUT, SYM, LANG.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE ${OUT} "/* generated from ${LANG}.po; do not edit */\n"
	"#include <stddef.h>\n"
	"const unsigned char mo_${SYM}[] = {${body}0};\n"
	"const size_t mo_${SYM}_len = ${len};\n")
