"""Hostile input, faults and scale: ccsim answers with located errors, atomic files and bounded memory."""
