# Embed every file of DIR into OUT as a table of {name, bytes, length}.
file(GLOB files ${DIR}/*)
list(SORT files)
set(table "")
set(defs "")
set(i 0)
foreach(f ${files})
	get_filename_component(name ${f} NAME)
	file(READ ${f} hex HEX)
	string(LENGTH "${hex}" n)
	math(EXPR len "${n} / 2")
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
	string(APPEND defs "static const unsigned char asset_${i}[] = {${body}0};\n")
	string(APPEND table "\t{\"${name}\", asset_${i}, ${len}},\n")
	math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT} "/* generated from src/web/static; do not edit */\n"
	"#include \"web/assets.h\"\n"
	"${defs}"
	"const struct asset assets[] = {\n${table}\t{0, 0, 0}\n};\n")
