"""The Convolutional Network page's own sections: the filter stages lab, and the trained CNN's settings and insides."""
