"""A student's own points: every malformed CSV file gets its own plain sentence; good ones are read."""

import numpy as np
import pytest

from nn_core.plane.points import MAX_POINTS, OwnPoints, PointsError, read_points_csv


def read(text: str) -> OwnPoints:
    return read_points_csv(text.encode("utf-8"))


def test_reads_a_file_with_a_header_and_numbered_classes():
    own = read("x1,x2,label\n1,2,0\n-1,-2,1\n0.5,0.5,1\n3,-3,0\n")
    assert own.points.shape == (4, 2) and own.points.dtype == np.float32
    assert own.labels.tolist() == [0, 1, 1, 0] and own.class_names == ("0", "1")
    assert np.allclose(own.points[1], [-1, -2]) and not own.notes


def test_reads_a_file_without_header_with_named_classes_and_semicolons():
    own = read("1;2;dog\n-1;-2;cat\n2;2;dog\n-2;-1;cat\n0;0;bird\n")
    assert own.class_names == ("bird", "cat", "dog")  # names alphabetically
    assert own.labels.tolist() == [2, 1, 2, 1, 0]


def test_whole_number_labels_written_differently_are_one_class_and_sort_by_value():
    own = read("0,0,10\n1,1,2.0\n2,2, 2\n3,3,10\n")
    assert own.class_names == ("2", "10") and own.labels.tolist() == [1, 0, 0, 1]


def test_a_trailing_separator_and_blank_lines_are_harmless():
    own = read("1,2,0,\n\n2,1,1,\n3,3,0\n4,4,1\n")
    assert len(own) == 4


def test_coordinates_beyond_the_plane_are_scaled_onto_it_and_said():
    own = read("0,0,a\n100,1,b\n50,2,a\n25,-1,b\n")
    assert own.points[:, 0].min() == pytest.approx(-5) and own.points[:, 0].max() == pytest.approx(5)
    assert np.allclose(own.points[:, 1], [0, 1, 2, -1])  # within the plane: untouched
    assert len(own.notes) == 1 and "x1 ran from 0 to 100" in own.notes[0]


@pytest.mark.parametrize("text, words", [
    ("", "the file is empty"),
    ("1,2\n3,4\n5,6\n7,8\n", "row 1 has 2 values; each row needs three"),
    ("1,2,0\n3,4,1\n5,6,0,9\n7,8,1\n", "row 3 has 4 values"),
    ("1,2,0\n3,abc,1\n5,6,0\n7,8,1\n", "row 2: 'abc' in the x2 column is not a number"),
    ("x1,x2,c\n1,2,0\n3,nan,1\n5,6,0\n7,8,1\n", "row 3: the x2 value 'nan' is not a finite number"),
    ("1,2,0\ninf,4,1\n5,6,0\n7,8,1\n", "row 2: the x1 value 'inf' is not a finite number"),
    ("1,2,0\n,4,1\n5,6,0\n7,8,1\n", "row 2 has an empty x1 value"),
    ("1,2,0\n3,4,\n5,6,0\n7,8,1\n", "row 2 has no class"),
    ("1,2,a\n3,4,a\n5,6,a\n7,8,a\n", "every point has the class 'a'"),
    ("1,2,a\n3,4,b\n", "the file holds 2 points; at least 4 are needed"),
    ("".join(f"{i},{i},{i}\n" for i in range(50)), "the third column holds 50 different classes"),
    ("".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(MAX_POINTS + 1)), "the file holds 5,001 rows"),
])
def test_every_malformed_file_gets_its_sentence(text, words):
    with pytest.raises(PointsError) as caught:
        read(text)
    assert words in str(caught.value)


def test_a_file_that_is_not_text_is_refused():
    with pytest.raises(PointsError, match="not text"):
        read_points_csv(b"\xff\xfe\x00\x81binary")


def test_clicked_points_are_added_removed_and_travel_in_notes_and_csv():
    own = OwnPoints.empty().added(1.0, 2.0, 0).added(9.0, -1.0, 3).added(-2.0, -2.0, 1).added(0.5, 0.5, 0)
    assert own.points.tolist()[:3] == [[1.0, 2.0], [6.0, -1.0], [-2.0, -2.0]]  # kept on the plane
    assert own.labels.tolist() == [0, 3, 1, 0]
    assert own.nearest(1.05, 2.0, within=0.2) == 0 and own.nearest(0.0, 0.0, within=0.2) is None
    back = OwnPoints.from_notes(own.to_notes())
    assert np.array_equal(back.points, own.points) and np.array_equal(back.labels, own.labels)
    assert read(own.to_csv()).labels.tolist() == [0, 2, 1, 0]  # classes 0, 1, 3 renumbered in order
    assert len(own.removed(1)) == 3 and own.removed(1).labels.tolist() == [0, 1, 0]
    with pytest.raises(PointsError, match="one of the 5 classes"):
        own.added(0, 0, 7)


def test_damaged_notes_are_refused():
    with pytest.raises(PointsError):
        OwnPoints.from_notes({"points": [[0, 0]], "labels": [4], "class_names": ["0"]})
    with pytest.raises(PointsError):
        OwnPoints.from_notes({"points": "nonsense"})
