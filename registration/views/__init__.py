"""Thin views: parse, call one service or selector, render. Split by audience."""
