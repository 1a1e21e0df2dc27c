"""androguard (Debian's python3-androguard 3.4): open the APK, read its manifest (package, version,
permissions), and list the classes of every DEX -- the androguard counterpart of a trackscan scan
without the matching. Usage: /usr/bin/python3 androguard_classes.py <apk>"""
import logging
import sys

logging.disable(logging.CRITICAL)
try:
    from androguard.core.bytecodes.apk import APK
    from androguard.core.bytecodes.dvm import DalvikVMFormat
except ImportError:  # androguard >= 4
    from androguard.core.apk import APK
    from androguard.core.dex import DEX as DalvikVMFormat

a = APK(sys.argv[1])
print(a.get_package(), a.get_androidversion_code(), len(a.get_permissions()))
n = 0
for dex in a.get_all_dex():
    n += len(DalvikVMFormat(dex).get_classes_names())
print(n)
