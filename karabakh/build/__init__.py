"""The main job and the data builds: notebook execution, the site, the layer and incident builds, the download of
upstream files. Imports every layer below it; only the command line (``karabakh.__main__``) sits above."""
