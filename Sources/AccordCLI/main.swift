import ArgumentParser
import AccordWeb
import AccordStorage
import Hummingbird
import PostgresNIO
import Mustache
