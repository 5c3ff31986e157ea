"""Needs and resources (颗粒化需求 / 资源清单): communities post needs, volunteers keep resource
profiles, a documented score ranks who fits, and a solver fills needs without double-booking."""
