"""The mmusim Python package: ctypes bindings over libmmusim, which CMake builds here.

    /usr/bin/python3 -m venv --system-site-packages /tmp/venv
    /tmp/venv/bin/python -m pip install --no-build-isolation .

build_py runs CMake (Release, no tests) on this source tree and copies libmmusim.so and the
mmusim command (Machine.explain prints its text) into the package.
"""
import os
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

ROOT = os.path.dirname(os.path.abspath(__file__))


def version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        return re.search(r"project\(mmusim\s+VERSION\s+([0-9.]+)", f.read()).group(1)


class BuildWithCMake(build_py):
    def run(self):
        super().run()
        temp = os.path.abspath(self.get_finalized_command("build").build_temp)
        build = os.environ.get("MMUSIM_CMAKE_BUILD", os.path.join(temp, "cmake-python"))
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                               "-DMMUSIM_TESTS=OFF"])
        subprocess.check_call(["cmake", "--build", build, "-j", str(os.cpu_count() or 2), "--target",
                               "mmusim_shared", "mmusim"])
        target = os.path.join(self.build_lib, "mmusim")
        lib = os.path.realpath(os.path.join(build, "libmmusim.so"))
        # Under its soname: what _lib finds beside itself.
        soname = re.sub(r"^(libmmusim\.so\.\d+\.\d+).*", r"\1", os.path.basename(lib))
        shutil.copy2(lib, os.path.join(target, soname))
        shutil.copy2(os.path.join(build, "mmusim"), os.path.join(target, "mmusim"))


class BinaryDistribution(Distribution):
    """The wheel carries a shared library: tag it for this platform."""

    def has_ext_modules(self):
        return True


setup(
    name="mmusim",
    version=version(),
    description="MMU simulator and page-walk emulator (x86-64, RISC-V, AArch64): Python bindings",
    long_description=open(os.path.join(ROOT, "README.md")).read(),
    long_description_content_type="text/markdown",
    package_dir={"": "python"},
    packages=["mmusim"],
    python_requires=">=3.9",
    install_requires=["numpy"],
    cmdclass={"build_py": BuildWithCMake},
    distclass=BinaryDistribution,
    zip_safe=False,
)
